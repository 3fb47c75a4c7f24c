"""TOML reading for Python 3.10 (tomli) and 3.11+ (tomllib)."""

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["tomllib"]
