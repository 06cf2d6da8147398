"""A test module that defines a name twice runs only the last definition: the first test silently never runs."""
from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def redefinitions(source: str) -> list[tuple[int, str]]:
    """(line, name) of every function or class defined again in the same module or class body."""
    found = []
    scopes = [ast.parse(source)]
    while scopes:
        scope = scopes.pop()
        seen: set[str] = set()
        for node in scope.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name in seen:
                    found.append((node.lineno, node.name))
                seen.add(node.name)
                if isinstance(node, ast.ClassDef):
                    scopes.append(node)
    return sorted(found)


def modules_under_test() -> list[Path]:
    roots = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    return sorted(path for root in roots for path in (REPOSITORY / root).rglob("*.py")
                  if path.name.startswith("test_") or path.name == "conftest.py")


def test_no_test_module_defines_a_name_twice():
    modules = modules_under_test()
    assert len(modules) > 20, modules
    repeated = [f"{path.relative_to(REPOSITORY)}:{line} {name}" for path in modules
                for line, name in redefinitions(path.read_text(encoding="utf-8"))]
    assert not repeated, "defined again, hiding the first definition: " + "; ".join(repeated)


def test_the_guard_finds_a_test_defined_twice():
    source = "def test_a():\n    pass\n\ndef test_b():\n    pass\n\nclass TestC:\n    def test_d(self):\n        pass\n\n    def test_d(self):\n        pass\n\ndef test_a():\n    pass\n"
    assert redefinitions(source) == [(11, "test_d"), (14, "test_a")]
