"""export_data / import_data: every table round-trips; a bad file changes nothing."""

import gzip
import json
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.authtoken.models import Token

from marketplace.backup import backed_up_models, columns
from tests.catalog.factories import ProviderFactory
from tests.marketplace.factories import UserFactory


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order, as plain values."""
    tables = {}
    for model in backed_up_models():
        names = [field.attname for field in columns(model)]
        tables[model._meta.label_lower] = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in model._base_manager.order_by("pk").values_list(*names)
        ]
    return tables


def fill_tables_the_demo_leaves_empty(user):
    """Rows for the framework tables: groups and user-group links (a many-to-many
    table), permissions of a user, an admin log entry, an API token, a session and a
    failed sign-in recorded by django-axes."""
    group = Group.objects.create(name="Reviewers")
    group.permissions.add(*Permission.objects.all()[:3])
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.first())
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[user], action_flag=ADDITION, change_message="x"
    )
    Token.objects.create(user=user)
    client = Client()
    client.force_login(user)
    Client().post(
        "/account/sign-in/",
        {"username": user.username, "password": "wrong"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert Session.objects.exists() and AccessAttempt.objects.exists()


# A real wipe (``flush``) and a real import, each in its own transaction as in use.
@pytest.mark.django_db(transaction=True)
def test_every_table_round_trips_through_export_wipe_and_import(tmp_path):
    call_command("seed_demo", allow_production=True, stdout=StringIO())
    fill_tables_the_demo_leaves_empty(UserFactory(username="backup-admin"))
    before = snapshot()
    filled = sorted(label for label, rows in before.items() if rows)
    assert len(filled) >= 30, filled

    backup = tmp_path / "portal.jsonl"
    call_command("export_data", str(backup), stdout=StringIO())

    call_command("flush", interactive=False)
    wiped = snapshot()
    assert all(
        not wiped[label]
        for label in filled
        if not label.startswith(("contenttypes.", "auth.permission"))
    )

    call_command("import_data", str(backup), interactive=False, stdout=StringIO())
    after = snapshot()
    differing = [label for label in before if before[label] != after[label]]
    assert differing == []
    ContentType.objects.clear_cache()

    # New rows continue after the restored ones (sequences were moved on).
    highest = max(row[0] for row in before["catalog.provider"])
    assert ProviderFactory(name="After the restore", slug="after").pk > highest


@pytest.mark.django_db(transaction=True)
def test_a_gzip_backup_round_trips(tmp_path, agency_user, provider_user):
    before = snapshot()
    backup = tmp_path / "portal.jsonl.gz"
    call_command("export_data", str(backup))
    with gzip.open(backup, "rt") as source:
        assert json.loads(source.readline())["format"] == "fm-marketplace-backup"
    call_command("flush", interactive=False)
    call_command("import_data", str(backup), interactive=False)
    assert snapshot() == before


def rewrite(path, change):
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(change(lines)))


def first_row_of(lines, label):
    return next(i for i, line in enumerate(lines) if line.startswith(f'["{label}"'))


def break_a_foreign_key(lines):
    index = first_row_of(lines, "marketplace.user")
    label, row = json.loads(lines[index])
    row["agency_id"] = 987654
    return [*lines[:index], json.dumps([label, row]) + "\n", *lines[index + 1 :]]


def change_the_schema(lines):
    header = json.loads(lines[0])
    header["migrations"]["catalog"].append("9999_from_the_future")
    return [json.dumps(header) + "\n", *lines[1:]]


def add_a_column(lines):
    index = first_row_of(lines, "marketplace.user")
    label, row = json.loads(lines[index])
    row["shoe_size"] = 42
    return [*lines[:index], json.dumps([label, row]) + "\n", *lines[index + 1 :]]


def bad_value(lines):
    index = first_row_of(lines, "marketplace.user")
    label, row = json.loads(lines[index])
    row["date_joined"] = "the day before yesterday"
    return [*lines[:index], json.dumps([label, row]) + "\n", *lines[index + 1 :]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda lines: lines[:-1], "ends before its end marker"),
        (lambda lines: lines[:-3] + lines[-1:], "the file is damaged"),
        (lambda lines: [*lines[:5], "{not json\n", *lines[5:]], "not valid JSON"),
        (
            lambda lines: [*lines[:5], '["nowhere.table", {}]\n', *lines[5:]],
            "unknown table 'nowhere.table'",
        ),
        (lambda lines: [*lines, '["marketplace.user", {}]\n'], "after the end marker"),
        (break_a_foreign_key, "do not fit together"),
        (change_the_schema, "different database schema (apps catalog"),
        (add_a_column, "has no column(s) shoe_size"),
        (bad_value, "cannot be read"),
        (lambda lines: ['{"format": "something else"}\n'], "not an FM Marketplace"),
        (lambda lines: [], "is empty"),
    ],
)
def test_a_damaged_backup_is_refused_and_changes_nothing(
    tmp_path, agency_user, provider_user, damage, message
):
    backup = tmp_path / "portal.jsonl"
    call_command("export_data", str(backup))
    rewrite(backup, damage)
    UserFactory(username="made-after-the-backup")
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_data", str(backup), interactive=False)
    assert "Nothing was imported" in str(error.value)
    assert message in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_import_asks_before_replacing_everything(tmp_path, agency_user, monkeypatch):
    backup = tmp_path / "portal.jsonl"
    call_command("export_data", str(backup))
    UserFactory(username="still-here")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled; nothing was changed"):
        call_command("import_data", str(backup))
    assert UserFactory._meta.model.objects.filter(username="still-here").exists()


def test_export_refuses_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_data", str(tmp_path / "no" / "such" / "dir.jsonl"))
