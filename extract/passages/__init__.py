"""Arranging a reply as a person reads it and locating each question's passage."""
