"""The published scoring formula (DESIGN §5), as pure functions.

Plain data in, results out: no ORM, no Celery. This module is the reference that the
bulk computation (:mod:`brokering.scoring.compute`) must equal exactly, and the values
pages and help texts show users come from here (:data:`CREDIT_TABLE`).

For a need N and an offering O:

* each need item has a weight from its priority: must 5, should 3, could 1;
* each claim level earns a credit: meets 1.0, configurable 0.9, extension 0.5,
  roadmap 0.25 when its date is on or before N's go-live date (else 0), does not meet
  or no claim (unknown) 0;
* score = 100 x sum(w x c) / sum(w)  (0 when the need has no items); items of every
  kind (capability, service measure, information exchange, pre-built report) count
  alike; items awaiting the provider's answer (``NeedSpec.awaiting``) are left out;
* a *must* item credited below 0.9 is a gap;
* O is eligible when it meets N's constraints (provider kind, minimum FedRAMP impact
  level, deployment model; an empty constraint accepts anything);
* ranking (:mod:`brokering.scoring.ranking`): eligible first, then fewest gaps, then
  highest score, then lowest offering id.

Credits are kept in hundredths (integers), so sums are exact and the score is one
division: the same inputs give the same float on every machine and in every path.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

SCORING_VERSION = "1"

MUST, SHOULD, COULD = "must", "should", "could"
WEIGHTS: dict[str, int] = {MUST: 5, SHOULD: 3, COULD: 1}

MEETS = "meets"
CONFIGURABLE = "configurable"
EXTENSION = "extension"
ROADMAP = "roadmap"
DOES_NOT_MEET = "does-not-meet"
UNKNOWN = None

# Credit per level, in hundredths of a point.
CREDITS: dict[str | None, int] = {
    MEETS: 100,
    CONFIGURABLE: 90,
    EXTENSION: 50,
    ROADMAP: 25,
    DOES_NOT_MEET: 0,
    UNKNOWN: 0,
}
GAP_BELOW = 90  # a must item credited below 0.9 is a gap

IMPACT_RANK: dict[str, int] = {"low": 1, "moderate": 2, "high": 3}


def credit_text(hundredths: int) -> str:
    """A credit as pages show it: ``100`` -> ``"1.0"``, ``25`` -> ``"0.25"``,
    ``0`` -> ``"0"``."""
    if not hundredths:
        return "0"
    text = f"{hundredths / 100:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def weights_text() -> str:
    """``"5 must, 3 should, 1 could"``, from :data:`WEIGHTS`."""
    return ", ".join(f"{weight} {priority}" for priority, weight in WEIGHTS.items())


@dataclass(frozen=True)
class Item:
    """One need item: the item (any hashable key; for the standards' items their
    ID), its function, its priority, its kind (capability, measure, exchange,
    report, agency)."""

    capability: object
    function: str
    priority: str
    kind: str = "capability"


@dataclass(frozen=True)
class NeedSpec:
    """A need as the formula reads it. ``awaiting``: items no catalog claim can
    answer (an agency-specific requirement, a measure whose target the agency sets
    or changes); they need the provider's answer and are left out of every sum."""

    go_live: datetime.date
    items: tuple[Item, ...]
    provider_kinds: frozenset[str] = frozenset()
    minimum_impact: str = ""
    deployment_models: frozenset[str] = frozenset()
    awaiting: tuple[Item, ...] = ()


@dataclass(frozen=True)
class ClaimSpec:
    level: str | None
    roadmap_date: datetime.date | None = None


@dataclass(frozen=True)
class OfferingSpec:
    key: object
    provider_kind: str
    deployment_model: str
    fedramp_impact: str
    claims: Mapping[object, ClaimSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class FunctionScore:
    function: str
    items: int
    weight: int
    earned: int  # sum of w x credit, in hundredths
    gaps: int

    @property
    def score(self) -> float:
        return self.earned / self.weight if self.weight else 0.0


@dataclass(frozen=True)
class Result:
    offering: object
    score: float
    eligible: bool
    ineligible_reasons: tuple[str, ...]
    gaps: tuple[object, ...]  # capability keys, in item order
    breakdown: tuple[FunctionScore, ...]  # by function, sorted

    @property
    def gaps_count(self) -> int:
        return len(self.gaps)

    @property
    def offering_id(self) -> object:
        """The offering's key, under the name :func:`ranking.rank_key` reads."""
        return self.offering


@dataclass(frozen=True)
class Line:
    """One line of a score's explanation."""

    item: Item
    weight: int
    level: str | None
    roadmap_date: datetime.date | None
    credit: int  # hundredths
    is_gap: bool

    @property
    def contribution(self) -> int:
        return self.weight * self.credit


def credit(claim: ClaimSpec | None, go_live: datetime.date) -> int:
    """The credit, in hundredths, that a claim earns against a go-live date."""
    if claim is None:
        return 0
    if claim.level == ROADMAP:
        ok = claim.roadmap_date is not None and claim.roadmap_date <= go_live
        return CREDITS[ROADMAP] if ok else 0
    return CREDITS.get(claim.level, 0)


def is_gap(item: Item, item_credit: int) -> bool:
    return item.priority == MUST and item_credit < GAP_BELOW


def ineligibility(need: NeedSpec, offering: OfferingSpec) -> tuple[str, ...]:
    """Why the offering does not meet the need's constraints (empty: eligible)."""
    reasons = []
    if need.provider_kinds and offering.provider_kind not in need.provider_kinds:
        reasons.append("provider kind not accepted")
    if need.minimum_impact and IMPACT_RANK.get(
        offering.fedramp_impact, 0
    ) < IMPACT_RANK.get(need.minimum_impact, 0):
        reasons.append("FedRAMP impact level below the minimum")
    if (
        need.deployment_models
        and offering.deployment_model not in need.deployment_models
    ):
        reasons.append("deployment model not accepted")
    return tuple(reasons)


def explain(need: NeedSpec, offering: OfferingSpec) -> list[Line]:
    """The score line by line, in item order."""
    lines = []
    for item in need.items:
        claim = offering.claims.get(item.capability)
        item_credit = credit(claim, need.go_live)
        lines.append(
            Line(
                item=item,
                weight=WEIGHTS[item.priority],
                level=claim.level if claim else UNKNOWN,
                roadmap_date=claim.roadmap_date if claim else None,
                credit=item_credit,
                is_gap=is_gap(item, item_credit),
            )
        )
    return lines


def score_lines(lines: Sequence[Line]) -> float:
    total = sum(line.weight for line in lines)
    if not total:
        return 0.0
    return sum(line.contribution for line in lines) / total


def breakdown(lines: Iterable[Line]) -> tuple[FunctionScore, ...]:
    by_function: dict[str, list[int]] = {}
    for line in lines:
        entry = by_function.setdefault(line.item.function, [0, 0, 0, 0])
        entry[0] += 1
        entry[1] += line.weight
        entry[2] += line.contribution
        entry[3] += int(line.is_gap)
    return tuple(
        FunctionScore(function, *by_function[function])
        for function in sorted(by_function)
    )


def score(need: NeedSpec, offering: OfferingSpec) -> Result:
    lines = explain(need, offering)
    reasons = ineligibility(need, offering)
    return Result(
        offering=offering.key,
        score=score_lines(lines),
        eligible=not reasons,
        ineligible_reasons=reasons,
        gaps=tuple(line.item.capability for line in lines if line.is_gap),
        breakdown=breakdown(lines),
    )
