"""Pages and form posts for rating threads and contributions."""
