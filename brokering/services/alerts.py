"""Alerts for followed needs, raised from the scoring runs already made.

An agency user follows one of their agency's needs (:func:`need_follow`). When a
scoring run of an *offering* (the run a publication or a change of the offering
queues) has written its kept matches, :func:`need_alerts_raise` compares the
offering's standing in each followed active need before and after the run
(:func:`offering_standing`, read in the run's transaction) and alerts the followers
when the offering

* entered the need's top :data:`ALERT_TOP` (by the one ranking, ``RANK_ORDER``), or
* became eligible with no must-have gap.

Nothing is scored for the alert: it reads the matches the run wrote. Runs of a
*need* (the agency changed its own need, or a full rescoring) raise no alerts: the
offerings did not change. The alert's event key names the need, the offering and
the match's fingerprint (its inputs), so a run repeated, a task delivered twice or
the need's next full rescoring of the same inputs never alerts twice; a new change
of the offering that crosses again is a new event. Alerts are delivered by
``marketplace.notifications`` (the inbox and the e-mails).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import reverse

from brokering.models import Match, Need, NeedFollow, NeedStatus
from brokering.scoring.ranking import RANK_ORDER
from catalog.models import Offering
from marketplace.notifications import Alert, notify_many

ALERT_TOP = 10


class FollowRefused(ValueError):
    """Only a user of the need's agency may follow it."""


@transaction.atomic
def need_follow(*, user, need: Need) -> bool:
    """Follow a need of the user's own agency. Returns whether it is new."""
    if user.agency_id is None or user.agency_id != need.agency_id:
        raise FollowRefused("Only users of the need's agency can follow it.")
    _follow, created = NeedFollow.objects.get_or_create(user=user, need=need)
    return created


@transaction.atomic
def need_unfollow(*, user, need: Need) -> bool:
    deleted, _ = NeedFollow.objects.filter(user=user, need=need).delete()
    return bool(deleted)


@dataclass
class Standing:
    """Where one offering stands in the followed needs of its release."""

    followers: dict[int, list[int]]  # need id -> follower user ids
    top: set[int] = field(default_factory=set)  # needs it is in the top of
    clear: set[int] = field(default_factory=set)  # eligible, no must-have gap
    matches: dict[int, tuple[int, str]] = field(default_factory=dict)  # id, print


def _followers(offering_id: int) -> dict[int, list[int]]:
    followers: dict[int, list[int]] = {}
    for need_id, user_id in (
        NeedFollow.objects.filter(
            need__status=NeedStatus.ACTIVE,
            need__release__offerings=offering_id,
            user__is_active=True,
            user__agency_id=F("need__agency_id"),
        )
        .order_by("need_id", "user_id")
        .values_list("need_id", "user_id")
    ):
        followers.setdefault(need_id, []).append(user_id)
    return followers


def offering_standing(
    *, offering_id: int, followers: dict[int, list[int]] | None = None
) -> Standing:
    """The offering's standing in the followed needs: one query when nobody
    follows a need of its release, two otherwise (the offering's matches, each
    with whether it is among its need's first :data:`ALERT_TOP` kept matches, read
    from the ranking index: never a need's whole ranking)."""
    if followers is None:
        followers = _followers(offering_id)
    standing = Standing(followers)
    if not followers:
        return standing
    first = (
        Match.objects.filter(need_id=OuterRef("need_id"), top=True)
        .order_by(*RANK_ORDER)
        .values("pk")[:ALERT_TOP]
    )
    for match_id, need_id, eligible, gaps, fingerprint, in_top in (
        Match.objects.filter(need_id__in=list(followers), offering_id=offering_id)
        .annotate(
            in_top=Case(
                When(Q(top=True, pk__in=Subquery(first)), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values_list("id", "need_id", "eligible", "gaps_count", "fingerprint", "in_top")
    ):
        standing.matches[need_id] = (match_id, fingerprint)
        if in_top:
            standing.top.add(need_id)
        if eligible and gaps == 0:
            standing.clear.add(need_id)
    return standing


def need_alerts_raise(*, offering_id: int, before: Standing) -> int:
    """Alert the followers of every need the offering crossed into since ``before``
    (see the module). Returns how many alerts were new."""
    if not before.followers:
        return 0
    after = offering_standing(offering_id=offering_id, followers=before.followers)
    entered_top = after.top - before.top
    cleared = after.clear - before.clear
    crossed = sorted((entered_top | cleared) & set(after.matches))
    if not crossed:
        return 0
    offering = Offering.objects.select_related("provider").get(pk=offering_id)
    titles = dict(Need.objects.filter(pk__in=crossed).values_list("pk", "title"))
    alerts = []
    for need_id in crossed:
        match_id, fingerprint = after.matches[need_id]
        reasons = []
        if need_id in entered_top:
            reasons.append(f"entered the top {ALERT_TOP}")
        if need_id in cleared:
            reasons.append("is now eligible with no must-have gap")
        what = " and ".join(reasons)
        alerts.append(
            Alert(
                user_ids=tuple(after.followers[need_id]),
                event_key=f"need:{need_id}:offering:{offering_id}:{fingerprint}",
                subject=f"{offering.name} {what} of “{titles[need_id]}”",
                body=(
                    f"{offering.name} ({offering.provider.name}) {what} of the need "
                    f"“{titles[need_id]}” you follow, after the offering was "
                    "published or changed."
                ),
                url=reverse(
                    "brokering:match-detail",
                    kwargs={"need_id": need_id, "match_id": match_id},
                ),
            )
        )
    return notify_many(alerts)
