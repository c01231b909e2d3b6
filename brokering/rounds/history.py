"""History rows of many rows at once, copied by the database.

``simple_history``'s bulk helpers build a historical model instance per row and
insert them (a response's 400 answers: 400 instances and 400 rows of parameters,
about a fifth of the response page's POST, benchmark 11a). :func:`rows_history`
writes the same rows - each tracked field as the row now holds it, the time, the
user, the kind of change, an empty change reason - in one ``INSERT ... SELECT``
per few hundred rows.
"""

from collections.abc import Sequence
from typing import cast

from django.conf import settings
from django.db import connection
from django.db.models import Model
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
