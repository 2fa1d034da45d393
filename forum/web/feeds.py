"""Atom feeds for new threads and new replies."""
