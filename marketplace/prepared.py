"""Reads whose SQL the ORM builds once per process, then runs with new values.

Building a query through the ORM (its filters, subqueries and joins, then its SQL)
can cost several times what running it does: a need's pages read their offerings'
claims in two queries of which only the ids change. :func:`prepared_rows` builds a
``values_list`` query once per database, name and number of ids, with stand-ins
for the ids (negative numbers no row has), remembers where they are among its
parameters and binds the real ids there on every later call; the rows go through
the ORM's own converters, as ``values_list`` rows do (SQLite gives dates as text).
"""

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

# Ids no row has: value n of a call stands in as _STAND_IN - n * _SPAN - position.
_STAND_IN = -7_346_000_000
_SPAN = 100_000

Ids = int | Sequence[int]
# (database, name, shape) -> SQL, its parameters, where the ids go (parameter
# index, index among the call's ids), the compiler and its converters.
_compiled: dict[Hashable, tuple[str, tuple, list[tuple[int, int]], Any, list]] = {}


def _flat(values: Sequence[Ids]) -> list[int]:
    flat: list[int] = []
    for value in values:
        flat.extend([value] if isinstance(value, int) else value)
    return flat


def _stand_ins(values: Sequence[Ids]) -> list[Ids]:
    return [
        _STAND_IN - n * _SPAN
        if isinstance(value, int)
        else [_STAND_IN - n * _SPAN - i for i in range(1, len(value) + 1)]
        for n, value in enumerate(values)
    ]


def _compile(build: Callable[..., QuerySet], values: Sequence[Ids]) -> tuple:
    stand_ins = _stand_ins(values)
    compiler = build(*stand_ins).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    index = {stand_in: i for i, stand_in in enumerate(_flat(stand_ins))}
    slots = [(p, index[param]) for p, param in enumerate(params) if param in index]
    if len(slots) < len(index):
        raise ValueError(f"{build!r} does not use every id it is given.")
    fields = [column for column, _, _ in compiler.select[: compiler.col_count]]
    return sql, tuple(params), slots, compiler, compiler.get_converters(fields)


def prepared_rows(
    name: str, build: Callable[..., QuerySet], *values: Ids
) -> list[tuple]:
    """The rows of ``build(*values)``, a ``values_list`` query whose ``values``
    (ids, or lists of ids) are the only parameters that change between calls;
    its SQL is built once per database, ``name`` and number of ids."""
    shape = tuple(None if isinstance(value, int) else len(value) for value in values)
    key = (connection.alias, name, shape)
    compiled = _compiled.get(key)
    if compiled is None:
        compiled = _compiled[key] = _compile(build, values)
    sql, template, slots, compiler, converters = compiled
    flat = _flat(values)
    bound = list(template)
    for position, index in slots:
        bound[position] = flat[index]
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        rows = cursor.fetchall()
    if converters:
        return [tuple(row) for row in compiler.apply_converters(rows, converters)]
    return rows
