"""Many rows at once, and their history rows, written by the database.

``simple_history``'s bulk helpers build a historical model instance per row and
insert them (a response's 400 answers: 400 instances and 400 rows of parameters,
about a fifth of the response page's POST, benchmark 11a). :func:`rows_history`
writes the same rows - each tracked field as the row now holds it, the time, the
user, the kind of change, an empty change reason - in one ``INSERT ... SELECT``
per few hundred rows.

:func:`rows_insert` writes new rows from plain values as ``bulk_create`` writes
them (each value prepared by its field, one statement: ``UNNEST`` of one array a
column on PostgreSQL, a few hundred rows of values elsewhere) without a model
instance a row: building and preparing 400 instances cost a third of a response's
first save.
"""

from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.db import NotSupportedError, connection
from django.db.models import Field, Model
from django.utils import timezone

CREATED, CHANGED = "+", "~"
BATCH = 500  # ids per statement: well under SQLite's limit on parameters


def rows_history(model: type[Model], ids: Sequence[int], kind: str, user) -> None:
    """Write the history row of each of ``model``'s rows ``ids`` (just created:
    ``CREATED``; just changed: ``CHANGED``), by ``user``."""
    if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model  # type: ignore[attr-defined]
    quote = connection.ops.quote_name
    tracked = [field.attname for field in history.tracked_fields]
    columns = {f.attname: cast(str, f.column) for f in model._meta.concrete_fields}
    kept = {f.attname: cast(str, f.column) for f in history._meta.concrete_fields}
    source = ", ".join(quote(columns[name]) for name in tracked)
    target = [kept[name] for name in tracked]
    target += [
        kept[name]
        for name in (
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        )
    ]
    key = columns[model._meta.pk.attname]
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    user_id = getattr(user, "pk", None)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            batch = list(ids[start : start + BATCH])
            cursor.execute(
                # Names from the models' metadata, quoted; values bound.
                f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608  # nosec B608
                f"({', '.join(quote(column) for column in target)}) "
                f"SELECT {source}, %s, %s, %s, %s "
                f"FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(key)} IN "
                f"({', '.join(['%s'] * len(batch))})",
                [when, "", kind, user_id, *batch],
            )


def rows_insert(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert ``rows`` of ``model`` (values of the fields ``names``, attribute
    names, in that order; defaults are not filled in, no signal is sent, as
    ``bulk_create``) and return their primary keys, in no particular order.
    Values equal and of one type are taken to be prepared alike (true of the
    fields' own conversions; not of 0.0 and -0.0 in a float column)."""
    if not rows:
        return []
    if not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError("rows_insert needs INSERT ... RETURNING")
    if any(len(row) != len(names) for row in rows):
        raise ValueError("Each row has a value for each of the names.")
    quote = connection.ops.quote_name
    fields = [cast(Field, model._meta.get_field(name)) for name in names]
    # Each column's values as its field prepares them for the database, each
    # distinct value (of one type) once: the rows repeat a few.
    prepared_of: list[dict[tuple[type, Any], Any]] = [{} for _ in fields]

    def prepare(column: int, value: Any) -> Any:
        key = (type(value), value)
        try:
            return prepared_of[column][key]
        except KeyError:
            done = fields[column].get_db_prep_save(value, connection)
            prepared_of[column][key] = done
            return done
        except TypeError:  # a value that cannot be a key (a list, a dict)
            return fields[column].get_db_prep_save(value, connection)

    prepared = [
        [prepare(column, value) for column, value in enumerate(row)] for row in rows
    ]
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(cast(str, field.column)) for field in fields)
    key = quote(cast(str, model._meta.pk.column))
    ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As Django's bulk insert on PostgreSQL: one array a column.
            arrays = ", ".join(
                f"(%s)::{field.db_type(connection)}[]" for field in fields
            )
            cursor.execute(
                # Names and types from the model's metadata, quoted; values bound.
                f"INSERT INTO {table} ({columns}) "  # noqa: S608  # nosec B608
                f"SELECT * FROM UNNEST({arrays}) RETURNING {key}",
                [list(column) for column in zip(*prepared, strict=True)],
            )
            return [row[0] for row in cursor.fetchall()]
        size = max(1, connection.ops.bulk_batch_size(fields, prepared))
        one = f"({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(prepared), size):
            batch = prepared[start : start + size]
            cursor.execute(
                # Names from the model's metadata, quoted; values bound.
                f"INSERT INTO {table} ({columns}) "  # noqa: S608  # nosec B608
                f"VALUES {', '.join([one] * len(batch))} RETURNING {key}",
                [value for row in batch for value in row],
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids
