"""The demo data files (``seeding/data/*.json``): read, with a clear error when one is
missing or malformed. Keys starting with ``_`` are comments."""

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


class DemoDataError(ValueError):
    """A demo data file is missing or not what the loader expects."""


def path(name: str) -> Path:
    return DATA / name


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed contents of ``seeding/data/<name>`` (a JSON object)."""
    file = path(name)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DemoDataError(f"{file}: no such demo data file") from exc
    except json.JSONDecodeError as exc:
        raise DemoDataError(f"{file}, line {exc.lineno}: {exc.msg}") from exc
    if not isinstance(document, dict):
        raise DemoDataError(f"{file}: expected a JSON object")
    return document


def function_number(code: str) -> str:
    """``'DEMO.010'`` or ``'FFM.010'`` -> ``'010'``: the data files name functions by
    number, so the demo works against whichever release is current."""
    return code.split(".")[1]
