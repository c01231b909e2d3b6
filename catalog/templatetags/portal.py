"""Catalog template filters shared by portal and admin pages: ``{% load portal %}``
(claim levels in the one vocabulary, claims' freshness and expired evidence, the
review queue's size, a review's changed rows)."""

from django import template

from catalog import freshness as freshness_policy
from catalog.models import Offering, OfferingStatus, claim_level_label

register = template.Library()


@register.filter
def claim_level(value) -> str:
    """The one claim-level label for a claim (or its history record), a level code,
    or ``None``."""
    if not isinstance(value, str):
        value = getattr(value, "level", None)
    return claim_level_label(value or None)


@register.simple_tag
def submissions_waiting() -> int:
    """How many listings wait in the brokers' review queue (the admin index says it)."""
    return Offering.objects.filter(status=OfferingStatus.SUBMITTED).count()


@register.filter
def changed_claims(rows) -> list:
    """The rows of a submission review's claims table that a revision changes."""
    return [row for row in rows if row["state"] != "same"]


@register.filter
def freshness(claim, evidence_expires_on):
    """A claim's :class:`~catalog.freshness.Freshness` given its offering's earliest
    evidence expiry (``catalog.freshness.earliest_expiry``); ``None`` for no claim."""
    return freshness_policy.of_claim(claim, evidence_expires_on or None)


@register.filter
def freshness_tag(state) -> str:
    """A freshness state as its USWDS tag (:func:`catalog.freshness.tag`)."""
    return freshness_policy.tag(state)


@register.filter
def evidence_expired(document) -> bool:
    return freshness_policy.document_expired(document)
