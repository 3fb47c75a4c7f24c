"""TOML files: reading (``tomllib`` on 3.11+, ``tomli`` on 3.10) and error messages with line numbers.

The catalogue (``data/interventions.toml``), scenario files and ``data/cities.toml`` are all read here:
a syntax error or an invalid key becomes one :class:`uhi.errors.ScenarioError` line naming the file,
the dotted key and its line (:func:`format_validation_error`, :func:`toml_key_line`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import ScenarioError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["format_validation_error", "read_toml", "toml_key_line", "tomllib"]


def _strip_comment(line: str) -> str:
    out, quote = [], None
    for ch in line:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        out.append(ch)
    return "".join(out).strip()


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(p.strip().strip("\"'") for p in key.split("."))


def toml_key_line(text: str, loc: tuple) -> int | None:
    """1-based line of the deepest part of ``loc`` (e.g. ``("intervention", 1, "amount")``) in TOML ``text``.

    Array-of-tables headers (``[[intervention]]``) are counted so integer indices resolve; a key
    that is missing from the text resolves to the line of its table header. Returns None if not even
    the first key is found.
    """
    loc = tuple(loc)
    best_len, best_line = 0, None
    current: tuple = ()
    array_index: dict[tuple, int] = {}

    def resolve(names: tuple[str, ...]) -> tuple:
        out: list = []
        for i in range(len(names)):
            out.append(names[i])
            if names[: i + 1] in array_index:
                out.append(array_index[names[: i + 1]])
        return tuple(out)

    def consider(path: tuple, lineno: int):
        nonlocal best_len, best_line
        n = len(path)
        if n > best_len and loc[:n] == path:
            best_len, best_line = n, lineno

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw)
        if not line:
            continue
        if line.startswith("[["):
            names = _split_key(line.strip("[] "))
            array_index[names] = array_index.get(names, -1) + 1
            for k in [k for k in array_index if len(k) > len(names) and k[: len(names)] == names]:
                del array_index[k]
            current = resolve(names)
            consider(current, lineno)
        elif line.startswith("["):
            current = resolve(_split_key(line.strip("[] ")))
            consider(current, lineno)
        elif "=" in line:
            key = line.split("=", 1)[0].strip()
            consider(current + _split_key(key), lineno)
    return best_line


def format_validation_error(exc, *, where: str, text: str | None, prefix: tuple = ()) -> str:
    """One-line message naming the first failing key (dotted) and its line in ``text`` (``exc``: a pydantic ValidationError)."""
    err = exc.errors()[0]
    loc = prefix + tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
    dotted = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
    line = toml_key_line(text, loc) if text else None
    at = f", line {line}" if line else ""
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "this required key is missing"
    elif err["type"] == "extra_forbidden":
        msg = "unknown key (misspelt?)"
    value = err.get("input")
    shown = "" if err["type"] in ("missing",) or isinstance(value, dict) else f" (got {value!r})"
    return f"{where}{at}: key {dotted!r}: {msg}{shown}"


def read_toml(path: str | os.PathLike) -> tuple[dict, str]:
    """Read a TOML file; syntax errors become :class:`ScenarioError` with the file and line."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"{path}: file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (TOML files must be UTF-8): byte {exc.object[exc.start]:#04x} "
                            f"at offset {exc.start}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: TOML syntax error: {exc}") from None
