"""The forum's use cases: validation, permissions and the only code that commits."""
