"""A coaching community forum that mounts into any Flask app as an extension."""
from forum.errors import ForumError
from forum.extension import Forum

__version__ = "0.1.0"
__all__ = ["Forum", "ForumError", "__version__"]
