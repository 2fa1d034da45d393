"""The JSON API under api/: bearer tokens or a session with a CSRF header."""
