"""Read queries built through the ORM once and run many times with new values.

Building a query through the ORM (filters, joins, annotations) and compiling it to
SQL cost several times running it on the pages that read a few indexed rows per
query (an offering page: seven such reads, docs/performance.md). A
:class:`PreparedQuery` builds its queryset once per connection and *shape* with
a marker in place of each value that changes between calls, keeps the SQL, the
parameters and the ORM's converters of the selected columns, and on each call
binds the values where the markers were and converts the rows as the ORM would
(dates and datetimes on SQLite, for instance): the same SQL and the same rows (a
``values_list`` queryset's tuples, or a queryset's instances with their
``select_related`` rows, annotations and ``prefetch_related`` lookups), without
the building. A value the ORM would write into the SQL's text (a slice's bounds)
is refused: it belongs to the shape.
"""

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable, get_related_populators

# Markers no database holds, one per value (their type is the value's: an integer
# for ids, text for codes); a list of ids has one per element.
_INT_MARKER = -7_346_600_000
_LIST_SPAN = 100_000
_TEXT_MARKER = "\x1fprepared-value-{}\x1f"


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(value: Any) -> None:
    if isinstance(value, list | tuple):
        if not all(_is_id(element) for element in value):
            raise TypeError(f"a prepared list holds ids only, not {value!r}")
    elif not (_is_id(value) or isinstance(value, str)):
        raise TypeError(f"a prepared value is an int or a str, not {value!r}")


def _marker(n: int, value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_INT_MARKER - n * _LIST_SPAN - i for i in range(1, len(value) + 1)]
    return _INT_MARKER - n * _LIST_SPAN if _is_id(value) else _TEXT_MARKER.format(n)


def _elements(marker: Any) -> list:
    """A value's markers, one per element of a list, else its own."""
    return marker if isinstance(marker, list) else [marker]


class _Compiled:
    __slots__ = (
        "sql",
        "params",
        "slots",
        "whole",
        "lists_whole",
        "rebuild",
        "converters",
        "model",
        "prefetch",
    )

    def __init__(
        self, queryset: QuerySet, markers: dict[str, Any], *, may_rebuild: bool
    ) -> None:
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a shape that reads nothing (an empty slice)
            sql, params = "", ()
        self.sql = sql
        self.params = tuple(params)
        # A list bound as one parameter (an array on PostgreSQL): where it goes.
        self.whole = {
            name: [i for i, param in enumerate(params) if param is marker]
            for name, marker in markers.items()
            if isinstance(marker, list)
        }
        self.whole = {name: found for name, found in self.whole.items() if found}
        self.lists_whole = all(
            name in self.whole
            for name, marker in markers.items()
            if isinstance(marker, list)
        )
        # Where each other value (each element of a list) goes: every parameter
        # that is its marker.
        self.slots = {
            name: [
                [i for i, param in enumerate(params) if param == element]
                for element in _elements(marker)
            ]
            for name, marker in markers.items()
            if name not in self.whole
        }
        inlined = [
            name
            for name, marker in markers.items()
            if sql
            and name not in self.whole
            and any(
                not slots
                or str(element) in sql
                or any(  # rewritten into another parameter (``%text%``)
                    isinstance(param, str)
                    and param != element
                    and str(element) in param
                    for param in params
                )
                for slots, element in zip(
                    self.slots[name], _elements(marker), strict=True
                )
            )
        ]
        # A value the ORM rewrote (``icontains`` makes ``%text%``) or wrote into
        # the SQL: refused, or, where the query allows it, built every time.
        self.rebuild = bool(inlined) and may_rebuild
        if inlined and not may_rebuild:
            raise ValueError(f"values not passed as parameters only: {inlined}")
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())
        self.model = None
        # A queryset of instances (not values): how the ORM makes them.
        if queryset._iterable_class is ModelIterable and compiler.klass_info:
            select, klass_info = compiler.select, compiler.klass_info
            start, end = (
                klass_info["select_fields"][0],
                klass_info["select_fields"][-1] + 1,
            )
            self.model = (
                klass_info["model"],
                [column[0].target.attname for column in select[start:end]],
                start,
                end,
                # Django 5.2's signature (the stubs have a later one's).
                get_related_populators(  # type: ignore[call-arg]
                    klass_info, select, connection.alias
                ),
                compiler.annotation_col_map or {},
            )
        self.prefetch = queryset._prefetch_related_lookups  # type: ignore[attr-defined]

    def instances(self, values: dict[str, Any]) -> list:
        """The rows as the queryset's instances (``select_related`` objects,
        annotations and ``prefetch_related`` lookups included)."""
        assert self.model is not None  # noqa: S101  # nosec B101 - a model's queryset
        model, attnames, start, end, populators, annotations = self.model
        found = []
        for row in self.rows(values):
            instance = model.from_db(connection.alias, attnames, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        if found and self.prefetch:
            prefetch_related_objects(found, *self.prefetch)
        return found

    def rows(self, values: dict[str, Any]) -> list:
        if not self.sql:
            return []
        params = list(self.params)
        for name, value in values.items():
            if name in self.whole:
                for i in self.whole[name]:
                    params[i] = list(value)
                continue
            for element, slots in zip(
                value if isinstance(value, list | tuple) else [value],
                self.slots[name],
                strict=True,
            ):
                for i in slots:
                    params[i] = element
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (converters, expression) in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted


class PreparedQuery:
    """``build(shape=shape, **values)`` (a queryset) compiled once per connection
    and ``shape``, then :meth:`rows` (a ``values_list`` queryset's tuples) or
    :meth:`instances` for any ``values`` of the same names and types (an id, a
    text, or a list of ids: compiled once per length when its ids are bound one
    by one, ``pk__in``; once when it is bound whole, an array on PostgreSQL).
    What is not a value (a filter present or not, a slice) is part of the
    shape, passed to ``build`` as ``shape``. With ``may_rebuild``, a query whose
    values the ORM rewrites (``icontains``) is built every time instead of
    refused."""

    def __init__(
        self, build: Callable[..., QuerySet], *, may_rebuild: bool = False
    ) -> None:
        self._build = build
        self._may_rebuild = may_rebuild
        # Per connection (a thread has its own, with its converters' operations).
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def rows(self, shape: Hashable = None, **values: Any) -> list[tuple]:
        compiled = self._compiled_for(shape, values)
        if compiled.rebuild:
            return [tuple(row) for row in self._build(shape=shape, **values)]
        return compiled.rows(values)

    def instances(self, shape: Hashable = None, **values: Any) -> list:
        """For a queryset of model instances: the instances, as the ORM makes
        them."""
        compiled = self._compiled_for(shape, values)
        if compiled.rebuild:
            return list(self._build(shape=shape, **values))
        return compiled.instances(values)

    def _compiled_for(self, shape: Hashable, values: dict[str, Any]) -> _Compiled:
        wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's connection
        shapes = self._compiled.get(wrapper)
        if shapes is None:
            with self._lock:
                shapes = self._compiled.setdefault(wrapper, {})
        for value in values.values():
            _check(value)
        # Lists bound whole compile once whatever their lengths; else per length.
        any_length = (shape, tuple(sorted(values)))
        compiled = shapes.get(any_length)
        key = (
            shape,
            tuple(
                (name, len(value) if isinstance(value, list | tuple) else None)
                for name, value in sorted(values.items())
            ),
        )
        if compiled is None:
            compiled = shapes.get(key)
        if compiled is None:
            markers = {
                name: _marker(n, value)
                for n, (name, value) in enumerate(values.items())
            }
            compiled = _Compiled(
                self._build(shape=shape, **markers),
                markers,
                may_rebuild=self._may_rebuild,
            )
            shapes[any_length if compiled.lists_whole else key] = compiled
        return compiled
