"""Builders for market research round tests: an active need with capability
items and one agency-specific requirement, and published offerings with claims."""

import datetime

from django.utils import timezone

from brokering.models import ItemKind, NeedStatus, Priority
from brokering.rounds import services
from catalog.models import Claim, ClaimLevel
from catalog.vectors import refresh_claim_vectors
from tests.brokering.factories import NeedFactory, NeedItemFactory
from tests.catalog.factories import OfferingFactory
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)


def active_need(agency, *, release=None, title="Core accounting"):
    """An active need: three capabilities (must, should, could) and one
    agency-specific requirement (must) that awaits the provider's answer."""
    release = release or ReleaseFactory()
    function = FunctionFactory(release=release, code="FFM.010", name="Budget")
    activity = ActivityFactory(function=function, code="FFM.010.010")
    need = NeedFactory(
        agency=agency,
        release=release,
        title=title,
        go_live_date=datetime.date(2028, 1, 1),
        status=NeedStatus.ACTIVE,
    )
    capabilities = [
        CapabilityFactory(activity=activity, code=f"FFM.010.010.0{n}")
        for n in (11, 12, 13)
    ]
    for capability, priority in zip(
        capabilities, (Priority.MUST, Priority.SHOULD, Priority.COULD), strict=True
    ):
        NeedItemFactory(need=need, capability=capability, priority=priority)
    NeedItemFactory(
        need=need,
        kind=ItemKind.AGENCY,
        capability=None,
        code="AGY-001",
        statement="Reports to the agency's data lake nightly.",
        authority="Agency directive 12",
        function=function,
        priority=Priority.MUST,
    )
    need.capabilities = capabilities
    return need


def offering_with_claims(need, provider, levels, **attributes):
    """A published offering of the need's release claiming ``levels`` on the
    need's capabilities, in order."""
    offering = OfferingFactory(release=need.release, provider=provider, **attributes)
    Claim.objects.bulk_create(
        Claim(offering=offering, capability=capability, level=level)
        for capability, level in zip(need.capabilities, levels, strict=False)
    )
    refresh_claim_vectors(offering_ids=[offering.pk])
    return offering


def open_round(need, user, offerings, *, anonymous=True, days=7):
    return services.round_open(
        need_id=need.pk,
        opened_by=user,
        title="Market research: core accounting",
        due_at=timezone.now() + datetime.timedelta(days=days),
        offering_ids=[o.pk for o in offerings],
        anonymous=anonymous,
    )


def full_answers(need, level=ClaimLevel.MEETS):
    return {
        item.pk: services.AnswerInput(level=level, comment=f"We do {item.pk}.")
        for item in need.items.all()
    }


def pass_due_date(round):
    """Move the due date into the past (as time passing would)."""
    type(round).objects.filter(pk=round.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )


def submit_response(invitation, user, level=ClaimLevel.MEETS):
    """Answer every item of the round's need at ``level`` and submit."""
    services.response_save(
        invitation_id=invitation.pk,
        user=user,
        response=services.ResponseInput(),
        answers=full_answers(invitation.round.need, level),
    )
    return services.response_submit(invitation_id=invitation.pk, user=user)
