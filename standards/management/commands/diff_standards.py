"""``python manage.py diff_standards OLD NEW``: what a new release changes."""

from django.core.management.base import BaseCommand, CommandError

from standards.models import StandardsRelease
from standards.selectors import release_diff


class Command(BaseCommand):
    help = (
        "List the items of every kind (functions, activities, capabilities, service "
        "measures, data elements, references, change log, exchanges, specifications, "
        "reports) added, removed and changed between two releases, with each "
        "changed field's value before and after (--fields)."
    )

    def add_arguments(self, parser):
        parser.add_argument("old")
        parser.add_argument("new")
        parser.add_argument(
            "--fields",
            action="store_true",
            help="Print each changed field's value before and after.",
        )

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
            if not section.total and section.kind == "reference_notes":
                continue
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
                if options["fields"]:
                    for label, before, after in change.field_changes():
                        self.stdout.write(f"      {label}")
                        self.stdout.write(_indent("- ", before))
                        self.stdout.write(_indent("+ ", after))


def _indent(mark: str, value: str) -> str:
    return "\n".join(f"        {mark}{line}" for line in (value or "").split("\n"))
