"""API tokens for members."""

COMMANDS = []
