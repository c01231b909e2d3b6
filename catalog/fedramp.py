"""FedRAMP detail of an offering: the one home of its formats and derived values.

* **Package ID.** The FedRAMP Marketplace names each cloud service offering by a
  package ID: ``F`` or ``FR`` followed by ten digits (``F1603047866``,
  ``FR2102031769``; the digits start with the date the package was opened, YYMMDD).
  :data:`package_id_validator` accepts exactly that, in capitals, and nothing else.
* **Marketplace listing.** :func:`marketplace_url` builds the listing's address from
  the package ID; pages, exports and the API read it through
  ``Offering.fedramp_marketplace_url``, which calls it.
* **Agencies holding an ATO.** Names, one per agency
  (:func:`validate_ato_agencies`), not links to :class:`brokering.Agency` rows:
  the catalog sits below brokering (it may not point at it), and the agencies that
  hold an ATO on a package are mostly not agencies using this portal.
* **Authorization age.** :func:`authorization_age` puts an authorization date in one
  of :data:`AUTHORIZATION_AGES`, the buckets of the catalog's facet;
  :func:`age_boundaries` gives the dates the search compares with.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from marketplace.validators import single_line

PACKAGE_ID_PATTERN = r"\AFR?[0-9]{10}\Z"
package_id_validator = RegexValidator(
    regex=PACKAGE_ID_PATTERN,
    message="A FedRAMP package ID is F or FR followed by ten digits, such as "
    "F1603047866 (as on the FedRAMP Marketplace).",
    code="package_id",
)

MARKETPLACE_PRODUCT_URL = "https://marketplace.fedramp.gov/products/{package_id}"


def marketplace_url(package_id: str) -> str:
    """The FedRAMP Marketplace listing of a package ("" when there is no valid ID)."""
    if not package_id or not re.fullmatch(PACKAGE_ID_PATTERN, package_id):
        return ""
    return MARKETPLACE_PRODUCT_URL.format(package_id=package_id)


MAX_ATO_AGENCIES = 200
MAX_AGENCY_NAME = 120


def validate_ato_agencies(value) -> None:
    """A list of agency names: each on one line, at most 120 characters, none twice
    (whatever the case), at most 200 of them."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("List the agencies by name.", code="not_a_list")
    if len(value) > MAX_ATO_AGENCIES:
        raise ValidationError(
            f"List at most {MAX_ATO_AGENCIES} agencies.", code="too_many"
        )
    seen: set[str] = set()
    for name in value:
        single_line(name)
        if not name.strip():
            raise ValidationError("An agency name cannot be empty.", code="empty")
        if len(name) > MAX_AGENCY_NAME:
            raise ValidationError(
                f"“{name[:40]}…” is longer than {MAX_AGENCY_NAME} characters.",
                code="too_long",
            )
        key = name.strip().casefold()
        if key in seen:
            raise ValidationError(f"“{name}” is listed twice.", code="duplicate")
        seen.add(key)


# The facet's buckets, youngest first; "none" is an offering without a date.
UNDER_1 = "under-1"
ONE_TO_3 = "1-3"
OVER_3 = "over-3"
NONE = "none"
AUTHORIZATION_AGES = [
    (UNDER_1, "Authorized less than 1 year ago"),
    (ONE_TO_3, "Authorized 1 to 3 years ago"),
    (OVER_3, "Authorized more than 3 years ago"),
    (NONE, "No FedRAMP authorization date"),
]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_boundaries(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """``(one_year_ago, three_years_ago)``: a date after the first is under a year
    old; on or before the second, more than three years old."""
    return _years_before(today, 1), _years_before(today, 3)


def authorization_age(authorized_on: datetime.date | None, today: datetime.date) -> str:
    """The bucket of :data:`AUTHORIZATION_AGES` a date falls in."""
    if authorized_on is None:
        return NONE
    one_year_ago, three_years_ago = age_boundaries(today)
    if authorized_on > one_year_ago:
        return UNDER_1
    if authorized_on > three_years_ago:
        return ONE_TO_3
    return OVER_3


def validate_authorized_on(value: datetime.date | None) -> None:
    """An authorization date cannot be in the future."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            "An authorization date cannot be in the future.", code="future"
        )
