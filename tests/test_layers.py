"""The dependency rule, read from the source: only flows/ imports Prefect or flows; the reader's
stages import only the stages before them; no module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PLAIN = ("foi", "extract", "warehouse", "reports")
# the reader's stages in the order data flows through them
STAGES = ("reading", "passages", "interpreting", "judging")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)   # `from package import module` names the module too
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


SOURCES = {module_name(p): imports(p) for package in (*PLAIN, "flows")
           for p in (ROOT / package).rglob("*.py")}


@pytest.mark.parametrize("package", PLAIN)
def test_plain_packages_import_neither_prefect_nor_flows(package: str) -> None:
    wrong = {(module, name) for module, names in SOURCES.items()
             if module.split(".")[0] == package for name in names
             if name.split(".")[0] in ("prefect", "flows")}
    assert wrong == set()


def test_each_stage_of_the_reader_imports_only_the_stages_before_it() -> None:
    wrong = []
    for module, names in SOURCES.items():
        parts = module.split(".")
        if parts[0] != "extract" or len(parts) < 2 or parts[1] not in STAGES:
            continue
        for name in names:
            target = name.split(".")
            later = target[0] == "extract" and len(target) > 1 and (
                target[1] not in STAGES or STAGES.index(target[1]) > STAGES.index(parts[1]))
            if later and (target[1], parts[-1]) != ("tables", "worker"):   # it loads tables
                wrong.append((module, name))
    assert wrong == []


def test_no_import_circle() -> None:
    ours = {m: {n for n in names if n in SOURCES and n != m} for m, names in SOURCES.items()}
    visiting: list[str] = []
    done: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        if module in done:
            return
        if module in visiting:
            circles.append([*visiting[visiting.index(module):], module])
            return
        visiting.append(module)
        for name in sorted(ours[module]):
            visit(name)
        visiting.pop()
        done.add(module)

    for module in sorted(ours):
        visit(module)
    assert circles == []
