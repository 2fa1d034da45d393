"""Moderator pages and actions: pin, lock, hide, flags queue, moderation log, members."""
