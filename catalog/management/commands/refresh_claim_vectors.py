"""Rebuild every offering's claim vector from its claims (``catalog.vectors``).

Run once after upgrading to the encoding that carries the verified mark (#19), so
that needs counting verified claims only see the verifications made before; the
claims writer keeps the vectors current afterwards.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Offering
from catalog.vectors import refresh_claim_vectors

BATCH = 500


class Command(BaseCommand):
    help = "Rebuild every offering's claim vector from its claims."

    def handle(self, *args, **options) -> None:
        ids = list(Offering.objects.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                done += refresh_claim_vectors(offering_ids=ids[start : start + BATCH])
        self.stdout.write(f"{done} claim vectors rebuilt.")
