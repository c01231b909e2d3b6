"""Whole-database export and import, for moving or restoring a portal's data.

``export_data FILE`` writes every table of every installed app (many-to-many tables,
audit history, users, sessions, content types included) to one JSON Lines file (gzip
when FILE ends in ``.gz``); ``import_data FILE`` replaces the database's contents with
the file's, row for row and with the same primary keys. Both work on SQLite and on
PostgreSQL; production backups use ``pg_dump``/``pg_restore`` (docs/backups.md), which
this complements for the embedded setup and for moving data between the two.

The file:

* line 1, a header: format, version, when, the applied migrations of every app, and the
  tables in the order they follow;
* one line per row: ``[table label, {column: value}]``, values as Django's serializers
  write them (dates in ISO 8601, binary data in base64, decimals as strings);
* a last line: ``{"end": true, "rows": {label: count}}``, so that a truncated file is
  refused rather than half-loaded.

Export reads one consistent snapshot (a repeatable-read transaction on PostgreSQL) and
writes to a temporary file renamed into place at the end, so a crash leaves no partial
backup. Import runs in one transaction: the database is either fully replaced or left
as it was, and every foreign key is checked before commit.
"""

import gzip
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, cast

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "fm-marketplace-backup"
VERSION = 1
BATCH_SIZE = 1000


class BackupError(Exception):
    """A file that cannot be imported, with a message that says why."""


def backed_up_models() -> list[type[models.Model]]:
    """Every table Django manages: concrete, managed models, auto-created M2M tables
    included, in a stable order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def columns(model: type[models.Model]) -> list[models.Field]:
    """The model's own stored columns (many-to-many fields are their through tables;
    generated columns are the database's to compute)."""
    return [
        field
        for field in model._meta.local_concrete_fields
        if not getattr(field, "generated", False)
    ]


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _open(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return cast(IO[str], gzip.open(path, mode + "t", encoding="utf-8"))
    return open(path, mode, encoding="utf-8")  # noqa: SIM115 - returned to a with


def _row(obj: models.Model, fields: list[models.Field]) -> dict:
    row = {}
    for field in fields:
        value = field.value_from_object(obj)
        # Serializers' rule: types JSON carries as they are stay so; the rest (dates,
        # decimals, UUIDs, binary data) go through the field's own text form.
        if value is None or isinstance(value, bool | int | float | str | list | dict):
            row[field.attname] = value
        else:
            row[field.attname] = field.value_to_string(obj)
    return row


def export_data(path: Path) -> Counter:
    """Write every table to ``path``; answer the number of rows per table."""
    path = Path(path)
    model_list = backed_up_models()
    counts: Counter = Counter()
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent or "."
    )
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        # One snapshot for the whole file; an enclosing transaction (a caller's, or a
        # test's) already fixed its isolation level, so only a fresh one is set.
        fresh = not connection.in_atomic_block
        with transaction.atomic():
            if fresh and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                    )
            with _open(temporary_path, "w") as out:
                header = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created": datetime.now(UTC).isoformat(),
                    "database": connection.vendor,
                    "migrations": applied_migrations(),
                    "tables": [model._meta.label_lower for model in model_list],
                }
                out.write(json.dumps(header) + "\n")
                for model in model_list:
                    label = model._meta.label_lower
                    fields = columns(model)
                    rows = model._base_manager.order_by("pk").iterator(
                        chunk_size=BATCH_SIZE
                    )
                    for obj in rows:
                        line = json.dumps(
                            [label, _row(obj, fields)], cls=DjangoJSONEncoder
                        )
                        out.write(line + "\n")
                        counts[label] += 1
                out.write(json.dumps({"end": True, "rows": dict(counts)}) + "\n")
        temporary_path.replace(path)
    finally:
        temporary_path.unlink(missing_ok=True)
    return counts


def _lines(path: Path) -> Iterator[tuple[int, object]]:
    try:
        with _open(path, "r") as source:
            for number, line in enumerate(source, start=1):
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BackupError(
                        f"line {number} of {path} is not valid JSON ({exc.msg}); "
                        "the file is damaged"
                    ) from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} cannot be read as a backup: {exc}") from exc


def _check_header(header: object, path: Path) -> dict:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not an FM Marketplace backup")
    if header.get("version") != VERSION:
        raise BackupError(
            f"{path} is a version {header.get('version')} backup; this portal reads "
            f"version {VERSION}"
        )
    here = applied_migrations()
    if header.get("migrations") != here:
        theirs = {
            app: names[-1] for app, names in (header.get("migrations") or {}).items()
        }
        ours = {app: names[-1] for app, names in here.items()}
        differ = sorted(
            app for app in set(theirs) | set(ours) if theirs.get(app) != ours.get(app)
        )
        raise BackupError(
            "the backup was made with a different database schema (apps "
            f"{', '.join(differ)}: backup at "
            f"{', '.join(f'{a} {theirs.get(a)}' for a in differ)}; this database at "
            f"{', '.join(f'{a} {ours.get(a)}' for a in differ)}). Import it with the "
            "portal version that made it."
        )
    return header


def _build(model: type[models.Model], values: object, number: int) -> models.Model:
    if not isinstance(values, dict):
        raise BackupError(f"line {number}: a row must be an object of columns")
    fields = {field.attname: field for field in columns(model)}
    unknown = set(values) - set(fields)
    if unknown:
        raise BackupError(
            f"line {number}: {model._meta.label_lower} has no column(s) "
            f"{', '.join(sorted(unknown))}"
        )
    try:
        return model(
            **{
                name: fields[name].to_python(value) if value is not None else None
                for name, value in values.items()
            }
        )
    except Exception as exc:  # a value its field cannot read: say where
        raise BackupError(
            f"line {number}: a value of {model._meta.label_lower} cannot be read: {exc}"
        ) from exc


def _wipe(model_list: list[type[models.Model]]) -> None:
    tables = [model._meta.db_table for model in model_list]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=False, allow_cascade=False
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred foreign-key checks still pending
            # (rows written earlier in an enclosing transaction): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            # The rows loaded next may refer to rows later in the file.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def import_data(path: Path) -> Counter:
    """Replace every table's rows with those in ``path``; all or nothing."""
    path = Path(path)
    model_list = backed_up_models()
    by_label = {model._meta.label_lower: model for model in model_list}
    counts: Counter = Counter()
    lines = _lines(path)
    try:
        number, header = next(lines)
    except StopIteration as exc:
        raise BackupError(f"{path} is empty") from exc
    header = _check_header(header, path)
    missing = set(by_label) - set(header.get("tables") or [])
    if missing:
        raise BackupError(
            f"the backup has no table(s) {', '.join(sorted(missing))}; "
            "it is not from this version of the portal"
        )

    trailer = None
    with transaction.atomic():
        _wipe(model_list)
        batch: list[models.Model] = []
        batch_model = None
        for number, entry in lines:
            if trailer is not None:
                raise BackupError(f"line {number}: data after the end marker")
            if isinstance(entry, dict) and entry.get("end") is True:
                trailer = entry
                continue
            if not (isinstance(entry, list) and len(entry) == 2):
                raise BackupError(f"line {number}: not a [table, row] pair")
            label, values = entry
            model = by_label.get(label)
            if model is None:
                raise BackupError(f"line {number}: unknown table {label!r}")
            if model is not batch_model or len(batch) >= BATCH_SIZE:
                _save(batch_model, batch)
                batch, batch_model = [], model
            batch.append(_build(model, values, number))
            counts[label] += 1
        _save(batch_model, batch)
        if trailer is None:
            raise BackupError(
                f"{path} ends before its end marker: the file is incomplete "
                "(was the export interrupted?)"
            )
        if trailer.get("rows") != dict(counts):
            raise BackupError(
                f"{path} says it holds {trailer.get('rows')} rows but holds "
                f"{dict(counts)}; the file is damaged"
            )
        _reset_sequences(model_list)
        try:
            connection.check_constraints()
        except Exception as exc:  # the database's own words for the broken reference
            raise BackupError(f"the backup's rows do not fit together: {exc}") from exc
    ContentType.objects.clear_cache()
    return counts


def _save(model: type[models.Model] | None, batch: list[models.Model]) -> None:
    if model is None or not batch:
        return
    # Raw inserts, as loaddata's save_base(raw=True) does but a batch at a time: the
    # backup's values go in as they are (auto_now dates keep their times, primary keys
    # their numbers); no save() logic and no signals, so a restore writes no audit
    # history of its own (the history tables are restored themselves).
    fields = columns(model)
    size = max(connection.ops.bulk_batch_size(fields, batch), 1)
    for start in range(0, len(batch), size):
        model._base_manager._insert(  # type: ignore[attr-defined]
            batch[start : start + size], fields=fields, using=connection.alias, raw=True
        )


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
