"""The forum's benchmark: data generator, gunicorn + wrk runner, reference endpoints, results."""
