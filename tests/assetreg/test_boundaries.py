"""The register knows nothing of the apps built on it: it announces events and renders contributions instead."""

import ast
from pathlib import Path

import assetreg

REGISTER = Path(assetreg.__file__).parent
APPS_ABOVE = ("finance", "maintenance")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, anywhere in it (also inside functions), with the line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "import_module",
            "__import__",
        ):
            found += [(node.lineno, str(arg.value)) for arg in node.args if isinstance(arg, ast.Constant)]
    return found


def test_no_register_module_imports_finance_or_maintenance():
    modules = sorted(REGISTER.rglob("*.py"))  # also migrations and management commands
    offending = [
        f"{path.relative_to(REGISTER.parent)}:{line} imports {name}"
        for path in modules
        for line, name in imported_modules(path)
        if name.split(".")[0] in APPS_ABOVE
    ]

    assert len(modules) > 20  # the walk found the register (services, views, api, migrations, ...)
    assert offending == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from finance import services\n    import maintenance.models\n")

    assert [name for _, name in imported_modules(sample)] == ["finance", "maintenance.models"]
