"""Demo data of the brokering app: the CFO Act agencies and a need with its matches.

``seed_agencies`` runs before the demo users (the agency user belongs to Treasury);
``seed_needs`` runs after them and after the standards and catalog demo steps.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from brokering import services
from brokering.agencies import CFO_ACT_AGENCIES
from brokering.models import Agency, Need, Priority
from standards.models import Function, ReleaseStatus, StandardsRelease

DEMO_NEED_TITLE = "Core financial system modernization"
DEMO_FUNCTIONS = 3  # the first functions of the current release in the demo need
DEMO_MUSTS = 4  # capabilities of each function set to must


@transaction.atomic
def seed_agencies() -> int:
    """Create the CFO Act agencies that are missing; running it twice changes
    nothing. Returns how many were created."""
    created = 0
    for name, abbreviation, cgac in CFO_ACT_AGENCIES:
        _, new = Agency.objects.get_or_create(
            cgac_code=cgac, defaults={"name": name, "abbreviation": abbreviation}
        )
        created += int(new)
    return created


def seed_needs() -> Need | None:
    """An active need of the Treasury demo user, scored against the catalog.

    Needs a current standards release (the standards demo step loads one); without it
    there is nothing to state a need against and the step does nothing.
    """
    release = StandardsRelease.objects.filter(status=ReleaseStatus.CURRENT).first()
    user = get_user_model().objects.filter(username="agency").first()
    if release is None or user is None or user.agency_id is None:
        return None
    need = Need.objects.filter(agency_id=user.agency_id, title=DEMO_NEED_TITLE).first()
    if need is None:
        need = _build_demo_need(user, release)
    services.matches_refresh_for_need(need_id=need.pk)
    return need


@transaction.atomic
def _build_demo_need(user, release) -> Need:
    need = services.need_create(
        agency=user.agency,
        created_by=user,
        release_id=release.pk,
        title=DEMO_NEED_TITLE,
        go_live_date=timezone.localdate() + datetime.timedelta(days=730),
        accepted_provider_kinds=[],
        minimum_impact_level="moderate",
    )
    functions = list(
        Function.objects.filter(release=release, capabilities__isnull=False)
        .distinct()
        .order_by("code")[:DEMO_FUNCTIONS]
    )
    services.need_set_functions(need_id=need.pk, function_ids=[f.pk for f in functions])
    priorities = {}
    for function in functions:
        capability_ids = list(
            need.items.filter(capability__function=function)
            .order_by("capability__code")
            .values_list("capability_id", flat=True)
        )
        for index, capability_id in enumerate(capability_ids):
            if index < DEMO_MUSTS:
                priorities[capability_id] = Priority.MUST
            elif index % 4 == 3:
                priorities[capability_id] = Priority.COULD
    services.need_set_priorities(need_id=need.pk, priorities=priorities)
    if need.items.exists():
        services.need_activate(need_id=need.pk)
    need.refresh_from_db()
    return need
