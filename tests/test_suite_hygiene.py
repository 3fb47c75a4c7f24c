"""The test suite's own rules: test modules never import one another, and never skip on a broken ``uhi`` import.

Shared helpers are fixtures in ``conftest.py``; ``pytest.importorskip`` is for optional third-party
packages only (a ``uhi`` module that fails to import must fail the suite, not skip part of it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
MODULES = sorted(TESTS.glob("test_*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_no_cross_imports_and_no_importorskip_of_uhi(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = {p.stem for p in MODULES} | {"conftest"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in own:
            pytest.fail(f"{path.name}:{node.lineno} imports from test module {node.module!r}; use a conftest.py fixture")
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] not in own, f"{path.name}:{node.lineno} imports test module {alias.name!r}"
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "importorskip"
                and node.args and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).split(".")[0] == "uhi"):
            pytest.fail(f"{path.name}:{node.lineno} importorskip({node.args[0].value!r}): a broken uhi import must fail, not skip")
