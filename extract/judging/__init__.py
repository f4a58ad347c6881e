"""Judging an answer (a calibrated confidence) and classifying the whole reply."""
