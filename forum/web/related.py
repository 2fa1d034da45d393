"""Curating "More relevant reading" under a thread."""
