"""``python manage.py import_standards PATH --release NAME [--make-current]``."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from standards.importers import StandardsFileError, read_path
from standards.services import ReleaseConflict, release_import, release_make_current


class Command(BaseCommand):
    help = (
        "Import a standards release from a folder of Treasury's workbooks "
        "(the layout of ../shared/standards/fy2025/), or from the portal's own "
        ".json or .csv.zip export (or a capabilities .csv). Nothing is written "
        "when a file has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--release", required=True, help="For example FY2025.")
        parser.add_argument(
            "--published", type=datetime.date.fromisoformat, help="YYYY-MM-DD"
        )
        parser.add_argument(
            "--make-current",
            action="store_true",
            help="Make the release current (the old current one is retired).",
        )

    def handle(self, *args, path: Path, release: str, **options):
        try:
            data = read_path(path)
            imported, created = release_import(
                name=release, data=data, published_on=options["published"]
            )
        except (StandardsFileError, ReleaseConflict) as exc:
            raise CommandError(str(exc)) from exc
        for warning in data.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        counts = (
            f"{len(data.functions)} functions, {len(data.activities)} activities, "
            f"{len(data.capabilities)} capabilities, "
            f"{len(data.service_measures)} service measures, "
            f"{len(data.data_elements)} data elements"
        )
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"Imported {imported.name}: {counts}.")
            )
        else:
            self.stdout.write(f"{imported.name} is already imported with this content.")
        if options["make_current"] and imported.status != "current":
            release_make_current(release=imported)
            self.stdout.write(self.style.SUCCESS(f"{imported.name} is now current."))
