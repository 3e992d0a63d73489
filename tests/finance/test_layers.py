"""The valuation engine's rooms keep their jobs: reads never reach into the write modules."""

import ast
from pathlib import Path

import finance

FINANCE_DIR = Path(finance.__file__).parent
WRITE_MODULES = {"posting", "services", "tasks"}


def imported_finance_modules(module: str) -> set[str]:
    """The finance modules a module imports, by their short name (`from . import posting` gives `posting`)."""
    tree = ast.parse((FINANCE_DIR / f"{module}.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level == 1 and not source:
                names.update(alias.name for alias in node.names)
            elif node.level == 1:
                names.add(source.split(".")[0])
            elif source.startswith("finance."):
                names.add(source.split(".")[1])
            elif source == "finance":
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("finance."))
    return names


def test_selectors_and_plan_math_import_no_write_module():
    for module in ("selectors", "plans", "schedule"):
        assert imported_finance_modules(module) & WRITE_MODULES == set(), module
