"""PostgreSQL ``COPY FROM STDIN`` for rows written in bulk (the claims load of
:func:`catalog.services.claims.claims_bulk_load`, the scale generator's need items),
robust to fields added later. Plumbing only: it imports no app."""

import datetime
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone

BATCH = 2000  # rows per bulk_create
NULL = r"\N"  # COPY's text for a missing value


class LineReader(io.TextIOBase):
    """A file-like view of an iterator of text chunks, for ``COPY FROM STDIN``."""

    def __init__(self, chunks: Iterable[str]):
        self._chunks: Iterator[str] = iter(chunks)
        self._buffer = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        if size is None:
            size = -1
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        if size < 0:
            size = len(self._buffer)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    # typeshed's TextIOBase inherits _IOBase.readline (-> bytes) although a text
    # stream's readline returns str at run time, hence the ignore.
    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        # Like ``read`` (as before): COPY only reads, it does not need lines.
        return self.read(size)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{name} is not a column of {model.__name__}.")
    return field.column


def copy_rows(
    model: type[models.Model], columns: list[str], chunks: Iterable[str]
) -> None:
    """``COPY`` text rows into ``model``'s table. Concrete fields not in ``columns``
    (other than the primary key) get their model default, so that a field another
    feature adds later does not break the seeder."""
    table = model._meta.db_table
    extra_columns, extra_values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in columns:
            continue
        value = field.get_default()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = timezone.now()
        elif value is None and not field.null:
            raise ValueError(f"copy_rows does not know what to put in {field}.")
        extra_columns.append(field.column)
        extra_values.append(copy_text(field, value))
    suffix = "".join("\t" + value for value in extra_values)
    column_sql = ", ".join(f'"{_column(model, name)}"' for name in columns) + "".join(
        f', "{column}"' for column in extra_columns
    )

    def with_suffix() -> Iterator[str]:
        for chunk in chunks:
            yield chunk.replace("\n", suffix + "\n") if suffix else chunk

    with connection.cursor() as cursor:
        cursor.copy_expert(
            f'COPY "{table}" ({column_sql}) FROM STDIN',  # noqa: S608 - model metadata
            LineReader(with_suffix()),
            1 << 20,
        )


def copy_text(field: models.Field, value) -> str:
    if value is None:
        return NULL
    if isinstance(field, models.JSONField):
        return json.dumps(value).replace("\\", "\\\\")
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return copy_escape(str(value))


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_escape(value: str) -> str:
    """A text value as one field of a ``COPY`` text line (backslash, tab and line
    breaks escaped)."""
    return value.translate(_COPY_ESCAPES)


@contextmanager
def indexes_built_after(model: type[models.Model]):
    """Drop the table's secondary indexes, unique and foreign-key constraints, and
    build them again at the end, as ``pg_restore`` does: one sorted index build and
    one join per foreign key are much cheaper than maintaining them row by row.

    The caller holds a transaction, so a failure leaves the table as it was."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # Run the checks that earlier inserts deferred: ALTER TABLE refuses to run
        # while they are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') "
            "ORDER BY contype DESC",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid), c.relname FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
            "WHERE k.conindid = i.indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for _definition, name in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for definition, _name in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
