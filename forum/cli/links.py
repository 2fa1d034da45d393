"""Link health: checking related-reading URLs."""

COMMANDS = []
