"""Exceptions raised by :mod:`uhi`.

Every error a user can cause with bad input is a :class:`UhiError`. Messages
name the file, key or value at fault and say what was expected, so the user
never has to read a traceback from GDAL or numba.
"""

from __future__ import annotations


class UhiError(Exception):
    """Base class of every error raised on bad input by :mod:`uhi`."""


class SceneFormatError(UhiError):
    """A scene folder, archive or band file is missing, truncated or inconsistent."""


class MetadataError(UhiError):
    """A metadata (MTL) file is missing, unreadable, or lacks a needed key."""


class CRSError(UhiError):
    """A coordinate reference system is missing or unsuitable (e.g. degrees for a metre-based operation)."""


class GridMismatchError(UhiError):
    """Rasters that must share a grid (shape, transform, CRS) do not."""


class InputValueError(UhiError, ValueError):
    """A parameter or data value is out of its valid range or of the wrong kind."""


class ScenarioError(UhiError):
    """A scenario or intervention file is malformed or refers to something that does not exist."""


class OutputExistsError(UhiError, FileExistsError):
    """An output file exists and overwriting was not requested."""


class OutputPathError(UhiError):
    """An output path is not allowed (e.g. outside the output directory)."""


__all__ = [
    "UhiError",
    "SceneFormatError",
    "MetadataError",
    "CRSError",
    "GridMismatchError",
    "InputValueError",
    "ScenarioError",
    "OutputExistsError",
    "OutputPathError",
]
