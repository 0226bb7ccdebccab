"""No product function is longer than 60 lines (tests, migrations and bench/ aside), so each reads on one screen.

The few written before the limit are listed with their length: they may shrink, never grow, and a new long
function fails here.
"""

import ast
from pathlib import Path

from django.conf import settings

LIMIT = 60
APPS = ["strategy_portal", "operations", "reports", "aims", "principles", "accounts", "core"]
# Demo data is exempt (issue #13: "demo data and migrations aside"): it is a long, flat script of a storyline.
EXEMPT = {"aims/demo.py"}
# Longer than the limit before it was set (none left); a function listed here may shrink, never grow.
KNOWN_LONG: dict[str, int] = {}


def function_lengths():
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts or str(path.relative_to(root)) in EXEMPT:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{path.relative_to(root)}:{node.name}", node.end_lineno - node.lineno + 1


def test_no_product_function_is_longer_than_60_lines():
    too_long = {name: length for name, length in function_lengths() if length > KNOWN_LONG.get(name, LIMIT)}
    assert too_long == {}
