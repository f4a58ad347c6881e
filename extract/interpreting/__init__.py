"""Interpreting a located passage: its status and its value in the question's type."""
