"""``python manage.py export_standards NAME --format json|csv|oscal``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from standards.exporters import FORMATS, export_release
from standards.models import StandardsRelease


class Command(BaseCommand):
    help = (
        "Export a release as the portal's JSON, a zip of one CSV per kind or an "
        "OSCAL catalog."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")
        parser.add_argument("--output", type=Path, help="Write here instead of stdout.")

    def handle(self, *args, name: str, **options):
        release = StandardsRelease.objects.filter(name=name).first()
        if release is None:
            raise CommandError(f"No standards release named {name}.")
        content = export_release(release, options["format"])
        if options["output"]:
            options["output"].write_bytes(content)
            self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}."))
        elif options["format"] == "csv":
            raise CommandError("The CSV export is a zip: give --output FILE.zip.")
        else:
            text = content.decode("utf-8")
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
