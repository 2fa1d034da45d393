"""Content commands: import and export of the discussion format, demo content."""

COMMANDS = []
