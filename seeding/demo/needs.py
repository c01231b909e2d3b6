"""Demo needs (``seeding/data/needs.json``) of the fictional demo agencies: each is
activated and scored against the demo catalog, then the broker shortlists and
recommends its best matches (so that the fit-gap report has rows) and the agency keeps
a shortlist of offerings. The first need asks for every kind of item: capabilities,
service measures (some at the agency's own target), information exchanges, pre-built
reports and a requirement of the agency's own. Runs after the catalog, users and
workflow steps."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from brokering import services
from brokering.models import ItemKind, Match, MatchStatus, Need, Priority
from brokering.services.items import NeedItemInput, need_items_replace
from catalog import services as catalog_services
from catalog.models import Shortlist
from seeding.loader import function_number, load
from standards.items import release_items
from standards.models import Function
from standards.selectors import current_release

BROKER = "broker"


def seed_needs() -> list[Need]:
    """The demo needs, created once each. Without a current standards release or
    the demo users there is nothing to state a need against: the step does nothing."""
    release = current_release()
    if release is None:
        return []
    users = get_user_model().objects
    broker = users.filter(username=BROKER, is_staff=True).first()
    needs = []
    for spec in load("needs.json")["needs"]:
        user = users.filter(username=spec["user"]).first()
        if user is None or user.agency_id is None:
            continue
        need = Need.objects.filter(
            agency_id=user.agency_id, title=spec["title"]
        ).first()
        if need is None:
            need = _build_need(user, release, spec)
            services.matches_refresh_for_need(need_id=need.pk)
            _decide(need, spec, broker)
            _agency_shortlist(need, spec, user)
        needs.append(need)
    return needs


@transaction.atomic
def _build_need(user, release, spec: dict) -> Need:
    need = services.need_create(
        agency=user.agency,
        created_by=user,
        release_id=release.pk,
        title=spec["title"],
        go_live_date=timezone.localdate()
        + datetime.timedelta(days=spec["go_live_in_days"]),
        accepted_provider_kinds=spec["accepted_provider_kinds"],
        minimum_impact_level=spec["minimum_impact_level"],
    )
    functions = [
        function
        for function in Function.objects.filter(release=release).order_by("code")
        if function_number(function.code) in spec["functions"]
    ]
    services.need_set_functions(need_id=need.pk, function_ids=[f.pk for f in functions])
    priorities = {}
    for function in functions:
        capability_ids = list(
            need.items.filter(capability__function=function)
            .order_by("capability__code")
            .values_list("capability_id", flat=True)
        )
        for index, capability_id in enumerate(capability_ids):
            if index < spec["musts"]:
                priorities[capability_id] = Priority.MUST
            elif index % spec["could_every"] == spec["could_every"] - 1:
                priorities[capability_id] = Priority.COULD
    services.need_set_priorities(need_id=need.pk, priorities=priorities)
    _other_kinds(need, release, spec)
    if need.items.exists():
        services.need_activate(need_id=need.pk)
    need.refresh_from_db()
    return need


def _other_kinds(need: Need, release, spec: dict) -> None:
    """The need's service measures (some at the agency's own target), information
    exchanges, pre-built reports (``items``: ID -> [priority, target]) and the
    agency's own requirements, added to its capabilities."""
    wanted, agency = spec.get("items", {}), spec.get("agency_requirements", [])
    if not wanted and not agency:
        return
    refs = {ref.code: ref for ref in release_items(release.pk, labels=False)}
    functions = dict(Function.objects.filter(release=release).values_list("code", "id"))
    items = [
        NeedItemInput(item.kind, item.item_id, item.priority, item.rationale)
        for item in need.items.all()
    ]
    items += [
        NeedItemInput(refs[code].kind, refs[code].pk, priority, target=target)
        for code, (priority, target) in wanted.items()
        if code in refs
    ]
    items += [
        NeedItemInput(
            ItemKind.AGENCY,
            None,
            row["priority"],
            code=row["code"],
            statement=row["statement"],
            authority=row["authority"],
            function_id=functions.get(row["function"]),
        )
        for row in agency
    ]
    need_items_replace(need_id=need.pk, items=items)


def _best(need: Need, count: int) -> list[Match]:
    return list(
        Match.objects.filter(need=need, eligible=True).select_related("offering")[
            :count
        ]
    )


@transaction.atomic
def _decide(need: Need, spec: dict, broker) -> None:
    """The broker shortlists the best matches and recommends the first ones."""
    if broker is None:
        return
    notes = spec["notes"]
    for rank, match in enumerate(_best(need, spec["shortlist"])):
        recommended = rank < spec["recommend"]
        status = MatchStatus.RECOMMENDED if recommended else MatchStatus.SHORTLISTED
        services.match_decide(
            match_id=match.pk, status=status, note=notes[status], decided_by=broker
        )


def _agency_shortlist(need: Need, spec: dict, user) -> None:
    name = spec["agency_shortlist"]
    if not name or Shortlist.objects.filter(owner=user, name=name).exists():
        return
    shortlist = catalog_services.shortlist_create(user=user, name=name)
    for match in _best(need, spec["shortlist"]):
        catalog_services.shortlist_add(
            shortlist=shortlist, offering=match.offering, user=user
        )
