"""Reads a cold search makes on every page, compiled by Django once and run again
with new values: building and compiling their querysets (filters, annotations,
``values_list``) was a third of the time of the queries a cold search page makes
(docs/performance.md). The SQL and its converters are Django's own; only the
values change."""

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

# Stand-ins for the values while compiling: ids no row has and a text no query
# holds, found again among the compiled parameters by identity or equality.
_ID_MARK = -(2**62)
_MARKED = "\x00prepared-text-"
_TEXT_MARK = _MARKED + "{}\x00"


class _Compiled:
    """``build``'s query compiled with stand-ins for ``args``: its SQL, its
    parameters and where each argument goes among them."""

    def __init__(self, build: Callable[..., QuerySet], args: Sequence) -> None:
        self.build = build
        # A parameter's stand-in -> (argument, element of a list argument or None);
        # a list bound whole is found by identity.
        marks: dict[int | str, tuple[int, int | None]] = {}
        lists: dict[int, tuple[int, None]] = {}
        stand_ins: list[Any] = []
        for argument, value in enumerate(args):
            if isinstance(value, list):
                ids = [_ID_MARK + argument * 2**40 + i for i in range(len(value))]
                lists[id(ids)] = (argument, None)
                marks.update({pk: (argument, i) for i, pk in enumerate(ids)})
                stand_ins.append(ids)
            else:
                text = _TEXT_MARK.format(argument)
                marks[text] = (argument, None)
                stand_ins.append(text)
        queryset = build(*stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots: dict[int, tuple[int, int | None]] = {}
        for position, param in enumerate(self.params):
            if isinstance(param, list) and id(param) in lists:
                self.slots[position] = lists[id(param)]
            elif isinstance(param, int | str) and param in marks:
                self.slots[position] = marks[param]
        self.lists_whole = all(
            element is None for _argument, element in self.slots.values()
        )
        # Every value found as it is among the parameters, else (a lookup that
        # rewrites its value, ``icontains``' ``%text%``) the query is built every
        # time.
        found = set(self.slots.values())
        rewritten = any(
            isinstance(param, str) and _MARKED in param and param not in marks
            for param in self.params
        )
        self.complete = (
            not rewritten
            and _MARKED not in self.sql
            and all(
                (argument, None) in found
                or (
                    isinstance(value, list)
                    and found >= {(argument, i) for i in range(len(value))}
                )
                for argument, value in enumerate(args)
            )
        )
        self.compiler = compiler
        self.converters = compiler.get_converters(
            [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        )

    def rows(self, args: Sequence) -> list[tuple]:
        if not self.complete:
            return list(self.build(*args))
        params = list(self.params)
        for position, (argument, element) in self.slots.items():
            value = args[argument]
            params[position] = value if element is None else value[element]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [
                tuple(row)
                for row in self.compiler.apply_converters(rows, self.converters)
            ]
        return rows


class Prepared:
    """A ``values_list`` query made by ``build(*args)``, compiled once per thread
    (each has its own connection) and run again with other arguments: each
    argument a text or a list of ids that the query keeps its rows to (an empty
    list: no rows, no query). A list bound as one parameter (an array on
    PostgreSQL) compiles once; bound element by element (``pk__in``), once per
    length."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build
        self._local = threading.local()

    def _compiled(self, args: Sequence) -> _Compiled:
        kept = getattr(self._local, "compiled", None)
        if kept is None:
            kept = self._local.compiled = {}
        whole = (connection.alias, connection.vendor)
        by_length = (*whole, *(len(a) for a in args if isinstance(a, list)))
        compiled = kept.get(whole) or kept.get(by_length)
        if compiled is None:
            compiled = _Compiled(self.build, args)
            kept[whole if compiled.lists_whole else by_length] = compiled
        return compiled

    def rows(self, *args) -> list[tuple]:
        if any(isinstance(a, list) and not a for a in args):
            return []
        return self._compiled(args).rows(args)
