"""``python manage.py export_standards NAME --format json|csv|oscal``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from standards.exporters import FORMATS, export_release
from standards.models import StandardsRelease


class Command(BaseCommand):
    help = (
        "Export a release as the portal's JSON, a capabilities CSV or an "
        "OSCAL-style catalog."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")
        parser.add_argument("--output", type=Path, help="Write here instead of stdout.")

    def handle(self, *args, name: str, **options):
        release = StandardsRelease.objects.filter(name=name).first()
        if release is None:
            raise CommandError(f"No standards release named {name}.")
        text = export_release(release, options["format"])
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}."))
        else:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
