"""The decision package's data and every computation made from it, pure: plain
dicts in, plain dicts out; no ORM.

The same functions score a response in the background, freeze the package and
verify it later (``manage.py verify_package``), so a package's scores are
recomputed from the package alone by the one formula
(:mod:`brokering.scoring.formula`) and the one ranking
(:mod:`brokering.scoring.ranking`).

Shapes (every date an ISO string):

* item: ``{"code", "kind", "function", "priority", "awaiting", ...}``;
* claim (a catalog claim or a response's answer): ``{"item", "level",
  "roadmap_date"}``;
* offering: ``{"offering_id", "provider_kind", "deployment_model",
  "fedramp_impact", ...}``.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from brokering.scoring.formula import (
    ClaimSpec,
    Item,
    NeedSpec,
    OfferingSpec,
    credit,
    explain,
    score,
)
from brokering.scoring.ranking import rank_key

FORMAT = "fm-marketplace-decision-package"
# 2: the decision says whether a broker recorded it for the agency
# (``decision.on_behalf_of``) and each answer names its uploaded evidence
# (``answers[].evidence``: file name and SHA-256). Packages of version 1 have
# neither; verification reads neither, so both versions verify alike.
FORMAT_VERSION = 2
RESPONSE, CATALOG = "response", "catalog"


def canonical_bytes(data: Any) -> bytes:
    """The one canonical form: UTF-8 JSON, keys sorted, no spaces."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def need_spec(
    need: Mapping[str, Any], items: Sequence[Mapping[str, Any]], *, basis: str
) -> NeedSpec:
    """The need as the formula reads it. On the catalog basis, items awaiting the
    provider's answer are left out of the sums (as in the catalog score); on the
    response basis every item counts."""
    specs = [
        Item(
            capability=item["code"],
            function=item["function"],
            priority=item["priority"],
            kind=item["kind"],
        )
        for item in sorted(items, key=lambda i: (i["function"], i["code"]))
    ]
    awaiting = {item["code"] for item in items if item["awaiting"]}
    counted = (
        specs
        if basis == RESPONSE
        else [i for i in specs if i.capability not in awaiting]
    )
    left_out = (
        () if basis == RESPONSE else tuple(i for i in specs if i.capability in awaiting)
    )
    return NeedSpec(
        go_live=datetime.date.fromisoformat(need["go_live_date"]),
        items=tuple(counted),
        provider_kinds=frozenset(need["accepted_provider_kinds"]),
        minimum_impact=need["minimum_impact_level"],
        deployment_models=frozenset(need["accepted_deployment_models"]),
        awaiting=left_out,
    )


def offering_spec(
    offering: Mapping[str, Any], claims: Iterable[Mapping[str, Any]]
) -> OfferingSpec:
    return OfferingSpec(
        key=offering["offering_id"],
        provider_kind=offering["provider_kind"],
        deployment_model=offering["deployment_model"],
        fedramp_impact=offering["fedramp_impact"],
        claims={
            claim["item"]: ClaimSpec(
                claim["level"] or None, _date(claim["roadmap_date"])
            )
            for claim in claims
            if claim["level"]
        },
    )


def score_entry(
    need: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    offering: Mapping[str, Any],
    claims: Iterable[Mapping[str, Any]],
    *,
    basis: str,
) -> dict[str, Any]:
    """One offering's score for the need on one basis, with its explanation."""
    spec = need_spec(need, items, basis=basis)
    offered = offering_spec(offering, claims)
    result = score(spec, offered)
    return {
        **_scored(offering, basis, result),
        "lines": [
            {
                "item": str(line.item.capability),
                "weight": line.weight,
                "level": line.level,
                "roadmap_date": line.roadmap_date.isoformat()
                if line.roadmap_date
                else None,
                "credit": line.credit,
                "gap": line.is_gap,
            }
            for line in explain(spec, offered)
        ],
    }


def score_only(
    need: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    offering: Mapping[str, Any],
    claims: Iterable[Mapping[str, Any]],
    *,
    basis: str,
) -> dict[str, Any]:
    """:func:`score_entry` without the explanation's lines (the background scorer
    keeps the score, the eligibility and the gaps only)."""
    spec = need_spec(need, items, basis=basis)
    return _scored(offering, basis, score(spec, offering_spec(offering, claims)))


def _scored(offering: Mapping[str, Any], basis: str, result) -> dict[str, Any]:
    return {
        "offering_id": offering["offering_id"],
        "basis": basis,
        "score": result.score,
        "eligible": result.eligible,
        "ineligible_reasons": list(result.ineligible_reasons),
        "gaps": [str(gap) for gap in result.gaps],
    }


def above_catalog(
    need: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    offering: Mapping[str, Any],
    answers: Iterable[Mapping[str, Any]],
    catalog_claims: Iterable[Mapping[str, Any]],
) -> list[str]:
    """IDs of the items where the response earns more credit than the catalog
    claim does (for a broker to check), in item order."""
    go_live = datetime.date.fromisoformat(need["go_live_date"])
    answered = offering_spec(offering, answers).claims
    claimed = offering_spec(offering, catalog_claims).claims
    return [
        item["code"]
        for item in sorted(items, key=lambda i: (i["function"], i["code"]))
        if credit(answered.get(item["code"]), go_live)
        > credit(claimed.get(item["code"]), go_live)
    ]


class _Ranked:
    def __init__(self, entry: Mapping[str, Any]) -> None:
        self.eligible = entry["eligible"]
        self.gaps_count = len(entry["gaps"])
        self.score = entry["score"]
        self.offering_id = entry["offering_id"]


def ranking(entries: Iterable[Mapping[str, Any]]) -> list[int]:
    """Offering ids in the one rank order."""
    return [
        ranked.offering_id
        for ranked in sorted((_Ranked(e) for e in entries), key=rank_key)
    ]


def scores(package: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every score of a package: each invited offering on its catalog claims, and
    each submitted response on its answers."""
    need, items = package["need"], package["items"]
    entries = []
    for invited in package["invited"]:
        entries.append(
            score_entry(need, items, invited, invited["catalog_claims"], basis=CATALOG)
        )
        if invited["status"] == "submitted":
            entries.append(
                score_entry(need, items, invited, invited["answers"], basis=RESPONSE)
            )
    return entries


def ranked_entries(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The entry each offering is ranked on: its response score when it responded,
    its catalog score otherwise."""
    responded = {e["offering_id"] for e in entries if e["basis"] == RESPONSE}
    return [
        e
        for e in entries
        if e["basis"] == RESPONSE or e["offering_id"] not in responded
    ]


def verify(content: bytes, expected_digest: str | None = None) -> list[str]:
    """Problems found in a package (empty: it verifies): the bytes are not the
    canonical form of their content, the digest differs, or a score, the ranking
    or an item flagged above the catalog does not recompute to what is stored."""
    try:
        package = json.loads(content.decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return [f"not a package: {error}"]
    if not isinstance(package, dict) or package.get("format") != FORMAT:
        return ["not a decision package"]
    problems = []
    if canonical_bytes(package) != content:
        problems.append("the bytes are not the package's canonical form")
    if expected_digest is not None and digest(content) != expected_digest:
        problems.append("the SHA-256 digest does not match")
    try:
        recomputed = scores(package)
    except (KeyError, TypeError, ValueError) as error:
        return [*problems, f"the package cannot be scored: {error!r}"]
    stored = {(e["offering_id"], e["basis"]): e for e in package["scores"]}
    for entry in recomputed:
        if stored.pop((entry["offering_id"], entry["basis"]), None) != entry:
            problems.append(
                f"the {entry['basis']} score of offering {entry['offering_id']} "
                "does not recompute"
            )
    problems += [f"a score with nothing to recompute it from: {key}" for key in stored]
    if ranking(ranked_entries(recomputed)) != package["ranking"]:
        problems.append("the ranking does not recompute")
    for invited in package["invited"]:
        if invited["status"] != "submitted":
            continue
        flagged = above_catalog(
            package["need"],
            package["items"],
            invited,
            invited["answers"],
            invited["catalog_claims"],
        )
        if flagged != invited["above_catalog"]:
            problems.append(
                f"the items above the catalog of offering {invited['offering_id']} "
                "do not recompute"
            )
    return problems
