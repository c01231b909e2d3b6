"""``manage.py import_need_workbook FILE --agency ABBREVIATION``: create or update a
need of the agency from a business needs workbook; prints the need's id."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from brokering import workbook
from brokering.models import Agency
from brokering.services import TransitionError


class Command(BaseCommand):
    help = (
        "Create or update a need from a business needs workbook (XLSX): the "
        "workbook's need ID names the need to update, blank creates one. Prints "
        "the need's id; lists every problem (by sheet, row, column) and writes "
        "nothing when there is one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--agency", required=True, help="The agency's abbreviation."
        )

    def handle(self, *args, file: Path, agency: str, **options):
        found = Agency.objects.filter(abbreviation=agency).first()
        if found is None:
            raise CommandError(f"No agency {agency}.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            need = workbook.workbook_apply(content=content, agency=found, by=None)
        except workbook.WorkbookError as error:
            raise CommandError(
                "The workbook was not imported:\n"
                + "\n".join(str(problem) for problem in error.problems)
            ) from None
        except TransitionError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(need.pk))
