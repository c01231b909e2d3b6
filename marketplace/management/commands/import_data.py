"""``python manage.py import_data FILE``: replace every table with a backup's rows."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marketplace.backup import BackupError, import_data


class Command(BaseCommand):
    help = (
        "Replace ALL data in the database with the contents of FILE, written by "
        "export_data. All or nothing: a damaged file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, file: Path, interactive: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        if interactive:
            answer = input(
                "This replaces every row in the database with the backup's. "
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Import cancelled; nothing was changed.")
        try:
            counts = import_data(file)
        except BackupError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {sum(counts.values())} rows into "
                f"{len(counts)} tables from {file}."
            )
        )
