"""Operations: backups and maintenance."""

COMMANDS = []
