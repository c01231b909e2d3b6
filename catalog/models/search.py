"""What catalog search reads besides the offering row: its covered FIBF functions.

The ``Claim`` table is the truth. ``OfferingFunction`` says, for each offering and
each function code (codes are stable across releases), how many of the offering's
claims on that function's capabilities are *covered* (met or configurable); there is
a row only when that number is at least one. The function facet counts and the
function filter of :func:`catalog.selectors.search.search_offerings` read these rows per
offering instead of the offering's hundreds of claims.
:func:`catalog.services.offering_search_refresh` rebuilds them together with the
search document, and every service that changes claims or publishes triggers it.
"""

from django.db import models

from catalog.models.listings import ClaimLevel

# Claim levels that count as covering a capability (coverage, function rows).
COVERED_LEVELS = (ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE)
# The PostgreSQL text search configuration of the search document and its queries.
SEARCH_CONFIG = "english"


class OfferingFunction(models.Model):
    # The unique constraint below starts with the offering: no index of its own.
    offering = models.ForeignKey(
        "catalog.Offering",
        on_delete=models.CASCADE,
        related_name="covered_functions",
        db_index=False,
    )
    function_code = models.CharField(
        max_length=20, help_text="FIBF function code, e.g. FFM.010."
    )
    covered_count = models.PositiveIntegerField(
        help_text="The offering's claims met or configurable on capabilities of "
        "this function."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "function_code"],
                name="one_row_per_offering_function",
            )
        ]
        indexes = [
            # The function filter: offerings covering one function.
            models.Index(
                fields=["function_code", "offering"], name="offering_function_code"
            )
        ]

    def __str__(self) -> str:
        return f"offering {self.offering_id} covers {self.function_code}"
