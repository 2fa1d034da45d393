"""Where the package's data folders (templates, migrations, static) are on disk."""
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name):
    """A data folder shipped inside the installed package, or the repo's top-level one."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name
