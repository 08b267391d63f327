"""No mutable module-level state in the package: the app serves many users from threads.

Two scans. The source scan finds `global` statements, caching decorators on module-level
functions and module- or class-level names bound to mutable containers. The runtime scan imports
every module and checks what its names actually hold, which also catches a mutable value built
by a function call. Constants are fine when they cannot change: tuples, frozensets,
MappingProxyType, compiled patterns.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections import OrderedDict, defaultdict, deque
from pathlib import Path

import interviewer

PACKAGE = Path(interviewer.__file__).parent
MUTABLE_CALLS = {
    "dict",
    "list",
    "set",
    "bytearray",
    "defaultdict",
    "deque",
    "OrderedDict",
    "Counter",
    "local",
    "WeakValueDictionary",
    "WeakKeyDictionary",
}
CACHE_DECORATORS = {"lru_cache", "cache", "cached"}
MUTABLE_TYPES = (dict, list, set, bytearray, deque, defaultdict, OrderedDict)


def _modules() -> list[str]:
    names = [interviewer.__name__]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="interviewer."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue  # Alembic loads these as scripts; they hold no state
        names.append(info.name)
    return names


def _is_mutable_value(node: ast.AST | None) -> bool:
    if isinstance(node, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in MUTABLE_CALLS
    return False


def _source_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PACKAGE.parent)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            problems.append(f"{rel}:{node.lineno}: global {', '.join(node.names)}")

    def scan_body(body: list[ast.stmt], where: str) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and _is_mutable_value(stmt.value):
                if isinstance(stmt, ast.AnnAssign) and where == "class":
                    continue  # pydantic / dataclass field defaults are per instance
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if names and names != ["__all__"]:
                    problems.append(f"{rel}:{stmt.lineno}: {where}-level mutable {names[0]}")
            if isinstance(stmt, ast.FunctionDef) and where == "module":
                for dec in stmt.decorator_list:
                    target = dec.func if isinstance(dec, ast.Call) else dec
                    name = (
                        target.attr
                        if isinstance(target, ast.Attribute)
                        else getattr(target, "id", "")
                    )
                    if name in CACHE_DECORATORS:
                        problems.append(
                            f"{rel}:{stmt.lineno}: @{name} on {stmt.name} (a global cache)"
                        )
            if isinstance(stmt, ast.ClassDef) and where == "module":
                scan_body(stmt.body, "class")

    scan_body(tree.body, "module")
    return problems


def test_no_mutable_module_state_in_the_source() -> None:
    problems = [
        p
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        for p in _source_problems(path)
    ]
    assert problems == [], "\n".join(problems)


def test_no_mutable_values_held_by_imported_modules() -> None:
    problems = []
    for name in _modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("__") or not isinstance(value, MUTABLE_TYPES):
                continue
            problems.append(f"{name}.{attr} is a {type(value).__name__}")
    assert problems == [], "\n".join(problems)


def test_the_scan_catches_what_it_should(tmp_path: Path) -> None:
    bad = PACKAGE / "_scan_probe_tmp.py"
    bad.write_text(
        "import functools\nCACHE = {}\nclass A:\n    seen = []\n"
        "@functools.lru_cache\ndef f():\n    global CACHE\n",
        encoding="utf-8",
    )
    try:
        found = _source_problems(bad)
    finally:
        bad.unlink()
    assert len(found) == 4, found


def test_no_two_classes_share_a_name() -> None:
    """The layout reads one idea per name: two `_Thread`s in two modules are two ideas."""
    seen: dict[str, str] = {}
    clashes = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                where = str(path.relative_to(PACKAGE.parent))
                if node.name in seen:
                    clashes.append(f"{node.name}: {seen[node.name]} and {where}")
                seen.setdefault(node.name, where)
    assert clashes == []
