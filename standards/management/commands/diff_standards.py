"""``python manage.py diff_standards OLD NEW``: what a new release changes."""

from django.core.management.base import BaseCommand, CommandError

from standards.models import StandardsRelease
from standards.selectors import release_diff


class Command(BaseCommand):
    help = (
        "List the capabilities, activities and service measures added, removed and "
        "changed (with the changed fields) between two releases."
    )

    def add_arguments(self, parser):
        parser.add_argument("old")
        parser.add_argument("new")

    def handle(self, *args, old: str, new: str, **options):
        releases = {
            r.name: r for r in StandardsRelease.objects.filter(name__in=[old, new])
        }
        for name in (old, new):
            if name not in releases:
                raise CommandError(f"No standards release named {name}.")
        diff = release_diff(releases[old], releases[new])
        self.stdout.write(f"Changes from {old} to {new}")
        for title, section in diff.sections():
            self.stdout.write("")
            self.stdout.write(
                f"{title}: {len(section.added)} added, {len(section.removed)} "
                f"removed, {len(section.changed)} changed"
            )
            for change in section.added:
                self.stdout.write(f"  + {change.title}")
            for change in section.removed:
                self.stdout.write(f"  - {change.title}")
            for change in section.changed:
                self.stdout.write(f"  ~ {change.title}: {', '.join(change.fields)}")
