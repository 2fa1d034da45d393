"""Moderators' import of discussion-format files from the web UI."""
