"""``manage.py export_data FILE``: every table to one file (marketplace.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marketplace.backup import export_data


class Command(BaseCommand):
    help = (
        "Write every table of the database to FILE (JSON Lines; gzip when FILE ends "
        "in .gz), from one consistent snapshot. Restore it with import_data."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.parent.is_dir():
            raise CommandError(f"the folder {file.parent} does not exist")
        try:
            counts = export_data(file)
        except OSError as exc:
            raise CommandError(f"could not write {file}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {sum(counts.values())} rows from "
                f"{len(counts)} non-empty tables to {file}."
            )
        )
