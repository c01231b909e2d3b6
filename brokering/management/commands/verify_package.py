"""Verify a decision package: ``manage.py verify_package FILE [--digest SHA256]``.

FILE is the downloaded ZIP (or its ``package.json``). Every score, the ranking and
the items flagged above the catalog are recomputed from the package alone with the
one formula, the bytes are checked to be the canonical form, and their SHA-256 is
compared with the ZIP's ``package.sha256`` and with ``--digest`` (the digest the
portal lists on the need) when given. Reads no database."""

import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from brokering.rounds import package as pkg
from brokering.rounds.exports import DIGEST_NAME, JSON_NAME

MAX_BYTES = 64 * 1024 * 1024


def _read(path: Path) -> tuple[bytes, str | None]:
    if path.stat().st_size > MAX_BYTES:
        raise CommandError(f"{path} is larger than {MAX_BYTES} bytes.")
    if not zipfile.is_zipfile(path):
        return path.read_bytes(), None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if JSON_NAME not in names:
                raise CommandError(f"{path} has no {JSON_NAME}.")
            if archive.getinfo(JSON_NAME).file_size > MAX_BYTES:
                raise CommandError(f"{JSON_NAME} is larger than {MAX_BYTES} bytes.")
            content = archive.read(JSON_NAME)
            stated = None
            if DIGEST_NAME in names:
                stated = (
                    archive.read(DIGEST_NAME)[:200]
                    .decode(errors="replace")
                    .split()[0:1]
                )
            return content, stated[0] if stated else None
    except (zipfile.BadZipFile, OSError) as error:
        raise CommandError(f"{path} cannot be read: {error}") from error


class Command(BaseCommand):
    help = "Verify a decision package: recompute every score and check the digest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--digest", default=None, help="The SHA-256 the portal lists for it."
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        content, stated = _read(path)
        problems = []
        for expected in (stated, options["digest"]):
            problems += pkg.verify(content, expected) if expected else []
        if stated is None and options["digest"] is None:
            problems += pkg.verify(content)
        problems = list(dict.fromkeys(problems))
        if problems:
            raise CommandError(
                "The package does not verify:\n- " + "\n- ".join(problems)
            )
        self.stdout.write(
            f"The package verifies: SHA-256 {pkg.digest(content)}; every score "
            "recomputes from the package alone."
        )
