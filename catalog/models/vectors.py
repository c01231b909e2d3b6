"""The compact, derived encoding of an offering's claims that bulk scoring reads.

The ``Claim`` table is the truth. ``ClaimVector`` holds the same facts packed for speed:
one byte per item of the offering's release (its item space: capabilities in code
order, then measures, exchanges, reports; :mod:`standards.items`) and the
roadmap dates of roadmap claims. :mod:`catalog.vectors` builds and refreshes it; every
service that writes claims calls ``refresh_claim_vectors`` in the same transaction.
"""

from django.db import models


class ClaimVector(models.Model):
    offering = models.OneToOneField(
        "catalog.Offering", on_delete=models.CASCADE, related_name="claim_vector"
    )
    release = models.ForeignKey(
        "standards.StandardsRelease", on_delete=models.CASCADE, related_name="+"
    )
    levels = models.BinaryField(
        help_text="One byte per item of the release, in item-space order "
        "(see catalog.vectors.LEVEL_CODES and standards.items)."
    )
    roadmap = models.BinaryField(
        help_text="Little-endian int32 pairs (item index, proleptic ordinal of "
        "the roadmap date), one pair per roadmap claim."
    )
    capability_count = models.PositiveIntegerField(
        help_text="Items in the release's item space (the vector's length)."
    )
    claims_count = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"claim vector of offering {self.offering_id}"


class ShelfSnapshot(models.Model):
    """The published offerings of one release with their claim vectors, packed into
    one value (:mod:`catalog.shelf`), as of one catalog version: what a scoring
    worker reads in one sequential read instead of one row per offering. Derived
    from the rows above; rebuilt from the previous snapshot and the rows changed
    since when the catalog version moves on."""

    release = models.OneToOneField(
        "standards.StandardsRelease", on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveBigIntegerField(
        help_text="The catalog version (marketplace.pagecache, scope catalog) the "
        "snapshot was taken at."
    )
    offerings = models.PositiveIntegerField()
    data = models.BinaryField(help_text="catalog.shelf.pack of the shelf's rows.")
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"shelf of release {self.release_id} at version {self.version}"
