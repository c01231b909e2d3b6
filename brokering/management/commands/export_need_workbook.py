"""``manage.py export_need_workbook NEED_ID FILE``: a need as a business needs
workbook (XLSX)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from brokering import workbook
from brokering.models import Need


class Command(BaseCommand):
    help = "Write a need as a business needs workbook (XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("need_id", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args, need_id: int, file: Path, **options):
        need = Need.objects.select_related("agency", "release").filter(pk=need_id)
        if not need:
            raise CommandError(f"No need {need_id}.")
        try:
            file.write_bytes(workbook.workbook_bytes(need[0]))
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}.") from None
        self.stdout.write(f"Need {need_id} written to {file}.")
