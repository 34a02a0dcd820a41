"""The layout's rules, checked: compute and the index library import no engine, store or
CLI; the public API is pinned."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import entrepot

SRC = Path(entrepot.__file__).parent
FORBIDDEN = ("duckdb", "pyspark", "py4j", "typer", "rich")
"""Third-party packages compute must not import: engines run at the edge."""
FORBIDDEN_OURS = ("entrepot.store", "entrepot.cli", "entrepot.backends", "entrepot.ingest")
"""Our own modules compute must not import, directly or through another of ours."""
PURE = ("compute", "indices")


def module_name(path: Path, root: Path = SRC.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = SRC.parent) -> set[str]:
    """Every module ``path`` (under ``root``) imports, as absolute names, at any depth of
    the file: lazy imports inside functions count too."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base)
                module = f"{prefix}.{node.module}" if node.module else prefix
                if not node.module:
                    found.update(f"{prefix}.{alias.name}" for alias in node.names)
            else:
                module = node.module or ""
            found.add(module)
    return found


def our_module_path(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    for candidate in (SRC / relative.with_suffix(".py"), SRC / relative / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def transitive_imports(path: Path) -> dict[str, list[str]]:
    """Every module reachable from ``path`` through entrepot's own modules, with the chain
    of our modules that leads to it."""
    seen: dict[str, list[str]] = {}
    stack = [(path, [module_name(path)])]
    visited: set[Path] = set()
    while stack:
        current, chain = stack.pop()
        if current in visited:
            continue
        visited.add(current)
        for name in imports_of(current):
            seen.setdefault(name, [*chain, name])
            if name.startswith("entrepot.") and (target := our_module_path(name)):
                stack.append((target, [*chain, name]))
    return seen


PURE_MODULES = sorted(p for package in PURE for p in (SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda p: module_name(p))
def test_compute_and_indices_import_no_engine_store_or_cli(path: Path) -> None:
    bad = {
        name: chain
        for name, chain in transitive_imports(path).items()
        if name.split(".")[0] in FORBIDDEN
        or any(name == ours or name.startswith(ours + ".") for ours in FORBIDDEN_OURS)
    }
    assert not bad, "\n".join(" → ".join(chain) for chain in bad.values())


def test_the_import_rule_can_fail(tmp_path: Path) -> None:
    """The checker sees a driver imported lazily and a store reached through a module."""
    module = tmp_path / "entrepot" / "compute" / "leaky.py"
    module.parent.mkdir(parents=True)
    module.write_text("def f():\n    import duckdb\n    from ..store import Store\n")
    found = imports_of(module, tmp_path)
    assert "duckdb" in found
    assert any(name.startswith("entrepot.store") for name in found)


def test_public_api_is_pinned() -> None:
    """Additions fail as well as removals: the public surface changes only on purpose."""
    assert sorted(entrepot.__all__) == [
        "Backend",
        "CompileReport",
        "Diagnostics",
        "EntrepotError",
        "IndexRow",
        "LoadReport",
        "Outliers",
        "Period",
        "Store",
        "Summary",
        "__version__",
        "breakdown",
        "compile_store",
        "connect",
        "contributions",
        "diagnostics",
        "duckdb_backend",
        "generate_sample",
        "index_rows",
        "ingest_files",
        "load_classifications",
        "price_index",
        "quantity_index",
        "spark_backend",
        "summary",
    ]
    for name in entrepot.__all__:
        assert hasattr(entrepot, name), name
