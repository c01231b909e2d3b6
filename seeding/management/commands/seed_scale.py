"""``python manage.py seed_scale``: synthetic data at scale for ``make bench``."""

import time

from django.core.management.base import BaseCommand, CommandError

from seeding.scale import seed_scale


class Command(BaseCommand):
    help = (
        "Fill an empty PostgreSQL database with a synthetic standards release of K "
        "capabilities and S service measures (with exchanges and reports), N "
        "offerings claiming against them and M active needs of every kind."
    )

    def add_arguments(self, parser):
        parser.add_argument("--offerings", type=int, default=2000, metavar="N")
        parser.add_argument("--needs", type=int, default=500, metavar="M")
        parser.add_argument("--items", type=int, default=1000, metavar="K")
        parser.add_argument(
            "--measures",
            type=int,
            default=None,
            metavar="S",
            help="Service measures (default: a fifth of K); exchanges and reports "
            "follow in the FY2025 proportions.",
        )
        parser.add_argument("--seed", type=int, default=20251)
        parser.add_argument("--release", default="SCALE", help="Release name.")

    def handle(self, *args, **options):
        for name in ("offerings", "needs", "items", "measures"):
            if (options[name] or 0) < 0:
                raise CommandError(f"--{name} must be zero or more.")
        if options["items"] < 60:
            raise CommandError("--items must be at least 60 (one per activity).")
        started = time.perf_counter()
        try:
            result = seed_scale(
                offerings=options["offerings"],
                needs=options["needs"],
                items=options["items"],
                measures=options["measures"],
                seed=options["seed"],
                release_name=options["release"],
                log=lambda line: self.stdout.write(
                    f"{time.perf_counter() - started:7.1f} s  {line}"
                ),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.offerings} offerings ({result.published} published), "
                f"{result.claims} claims on {result.capabilities} capabilities, "
                f"{result.measures} service measures, {result.exchanges} exchanges "
                f"and {result.reports} reports, "
                f"{result.needs} needs with {result.need_items} items "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
