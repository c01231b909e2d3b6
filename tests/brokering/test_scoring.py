"""The pure scorer (DESIGN §5): hand-worked examples, edge cases and properties."""

import datetime
import random

from hypothesis import given
from hypothesis import strategies as st

from brokering import scoring
from brokering.scoring import ClaimSpec, Item, NeedSpec, OfferingSpec

GO_LIVE = datetime.date(2027, 10, 1)


def offering(claims=None, **attributes) -> OfferingSpec:
    return OfferingSpec(
        key=attributes.pop("key", 1),
        provider_kind=attributes.pop("provider_kind", "commercial"),
        deployment_model=attributes.pop("deployment_model", "saas"),
        fedramp_impact=attributes.pop("fedramp_impact", "moderate"),
        claims=claims or {},
    )


def need(*items, **constraints) -> NeedSpec:
    return NeedSpec(go_live=GO_LIVE, items=tuple(items), **constraints)


def test_hand_worked_example():
    # must meets (5 x 1.0) + should configurable (3 x 0.9) + could extension
    # (1 x 0.5) + must roadmap before go-live (5 x 0.25):
    # 100 x (5 + 2.7 + 0.5 + 1.25) / 14 = 945 / 14 = 67.5
    spec = need(
        Item("A.1", "A", "must"),
        Item("A.2", "A", "should"),
        Item("B.1", "B", "could"),
        Item("B.2", "B", "must"),
    )
    result = scoring.score(
        spec,
        offering(
            {
                "A.1": ClaimSpec("meets"),
                "A.2": ClaimSpec("configurable"),
                "B.1": ClaimSpec("extension"),
                "B.2": ClaimSpec("roadmap", datetime.date(2027, 9, 30)),
            }
        ),
    )
    assert result.score == 67.5
    assert result.gaps == ("B.2",)  # a must credited 0.25 < 0.9
    assert result.eligible
    assert [(f.function, f.weight, f.earned, f.gaps) for f in result.breakdown] == [
        ("A", 8, 770, 0),
        ("B", 6, 175, 1),
    ]
    assert [round(f.score, 2) for f in result.breakdown] == [96.25, 29.17]


def test_roadmap_counts_only_on_or_before_go_live():
    spec = need(Item("A.1", "A", "should"))
    on_the_day = offering({"A.1": ClaimSpec("roadmap", GO_LIVE)})
    a_day_late = offering(
        {"A.1": ClaimSpec("roadmap", GO_LIVE + datetime.timedelta(1))}
    )
    undated = offering({"A.1": ClaimSpec("roadmap", None)})
    assert scoring.score(spec, on_the_day).score == 25.0
    assert scoring.score(spec, a_day_late).score == 0.0
    assert scoring.score(spec, undated).score == 0.0


def test_configurable_must_is_not_a_gap_but_extension_is():
    spec = need(Item("A.1", "A", "must"), Item("A.2", "A", "must"))
    result = scoring.score(
        spec,
        offering({"A.1": ClaimSpec("configurable"), "A.2": ClaimSpec("extension")}),
    )
    assert result.gaps == ("A.2",)
    assert result.score == 70.0  # (90 + 50) / 2


def test_need_without_items_scores_zero_with_no_gaps():
    result = scoring.score(need(), offering({"A.1": ClaimSpec("meets")}))
    assert (result.score, result.gaps, result.breakdown) == (0.0, (), ())


def test_offering_without_claims_scores_zero_and_every_must_is_a_gap():
    spec = need(Item("A.1", "A", "must"), Item("A.2", "A", "could"))
    result = scoring.score(spec, offering({}))
    assert result.score == 0.0
    assert result.gaps == ("A.1",)


def test_all_weight_on_one_function():
    spec = need(*(Item(f"A.{n}", "A", "must") for n in range(4)))
    result = scoring.score(
        spec, offering({f"A.{n}": ClaimSpec("meets") for n in range(3)})
    )
    assert result.score == 75.0
    assert len(result.breakdown) == 1
    assert result.breakdown[0].score == 75.0
    assert result.breakdown[0].gaps == 1


def test_does_not_meet_earns_nothing():
    spec = need(Item("A.1", "A", "should"))
    assert scoring.score(spec, offering({"A.1": ClaimSpec("does-not-meet")})).score == 0


def test_eligibility_from_constraints():
    spec = need(
        provider_kinds=frozenset({"federal"}),
        minimum_impact="high",
        deployment_models=frozenset({"shared-service"}),
    )
    result = scoring.score(spec, offering())
    assert not result.eligible
    assert result.ineligible_reasons == (
        "provider kind not accepted",
        "FedRAMP impact level below the minimum",
        "deployment model not accepted",
    )
    fits = offering(
        provider_kind="federal",
        fedramp_impact="high",
        deployment_model="shared-service",
    )
    assert scoring.score(spec, fits).eligible
    assert not scoring.score(
        need(minimum_impact="low"), offering(fedramp_impact="")
    ).eligible
    assert scoring.score(need(), offering(fedramp_impact="")).eligible


def test_ranking_eligible_first_then_fewest_gaps_then_score():
    spec = need(Item("A.1", "A", "must"), Item("A.2", "A", "should"))
    candidates = [
        offering({"A.2": ClaimSpec("meets")}, key="gap-high"),  # 1 gap, 37.5
        offering({"A.1": ClaimSpec("configurable")}, key="no-gap-low"),  # 0 gaps, 56.25
        offering(
            {"A.1": ClaimSpec("meets"), "A.2": ClaimSpec("meets")},
            key="ineligible-best",
            provider_kind="federal",
        ),
        offering({"A.1": ClaimSpec("meets")}, key="no-gap-high"),  # 0 gaps, 62.5
    ]
    ranked = scoring.score_all(
        NeedSpec(
            go_live=GO_LIVE, items=spec.items, provider_kinds=frozenset({"commercial"})
        ),
        candidates,
    )
    assert [r.offering for r in ranked] == [
        "no-gap-high",
        "no-gap-low",
        "gap-high",
        "ineligible-best",
    ]


def test_explanation_lines_add_up_to_the_score():
    spec = need(Item("A.1", "A", "must"), Item("B.1", "B", "could"))
    lines = scoring.explain(spec, offering({"B.1": ClaimSpec("configurable")}))
    assert [(x.weight, x.level, x.credit, x.is_gap) for x in lines] == [
        (5, None, 0, True),
        (1, "configurable", 90, False),
    ]
    assert scoring.score_lines(lines) == 15.0


# --- properties --------------------------------------------------------------------

LEVELS = [None, "does-not-meet", "roadmap", "extension", "configurable", "meets"]
PRIORITIES = ["must", "should", "could"]
dates = st.dates(datetime.date(2025, 1, 1), datetime.date(2030, 12, 31))


@st.composite
def cases(draw):
    count = draw(st.integers(0, 25))
    items = tuple(
        Item(
            f"F{draw(st.integers(0, 3))}.{n:03d}", "", draw(st.sampled_from(PRIORITIES))
        )
        for n in range(count)
    )
    items = tuple(Item(i.capability, i.capability[:2], i.priority) for i in items)
    claims = {}
    for item in items:
        level = draw(st.sampled_from(LEVELS))
        if level is not None:
            claims[item.capability] = ClaimSpec(
                level, draw(dates) if level == "roadmap" else None
            )
    return NeedSpec(go_live=draw(dates), items=items), offering(claims)


@given(cases())
def test_score_is_within_0_and_100(case):
    spec, candidate = case
    assert 0.0 <= scoring.score(spec, candidate).score <= 100.0


@given(cases(), st.data())
def test_score_never_drops_when_a_claim_level_improves(case, data):
    spec, candidate = case
    if not spec.items:
        return
    item = data.draw(st.sampled_from(spec.items))
    current = candidate.claims.get(item.capability)
    rank = LEVELS.index(current.level if current else None)
    better = data.draw(st.sampled_from(LEVELS[rank:]))
    improved_claim = ClaimSpec(
        better,
        (
            current.roadmap_date
            if current and current.level == "roadmap"
            else spec.go_live
        )
        if better == "roadmap"
        else None,
    )
    improved = offering({**candidate.claims, item.capability: improved_claim})
    before = scoring.score(spec, candidate)
    after = scoring.score(spec, improved)
    assert after.score >= before.score
    assert after.gaps_count <= before.gaps_count


@given(cases(), st.randoms(use_true_random=False))
def test_score_does_not_depend_on_row_order(case, rng: random.Random):
    spec, candidate = case
    shuffled_items = list(spec.items)
    rng.shuffle(shuffled_items)
    claims = list(candidate.claims.items())
    rng.shuffle(claims)
    shuffled = scoring.score(
        NeedSpec(go_live=spec.go_live, items=tuple(shuffled_items)),
        offering(dict(claims)),
    )
    original = scoring.score(spec, candidate)
    assert shuffled.score == original.score
    assert sorted(shuffled.gaps) == sorted(original.gaps)
    assert shuffled.breakdown == original.breakdown


def test_a_need_counting_verified_claims_only_credits_unverified_claims_zero():
    """#19: the reference formula; the explanation marks the zeroed lines."""
    items = (Item("A.1", "A", "must"), Item("A.2", "A", "should"))
    claims = {
        "A.1": ClaimSpec("meets", verified=True),
        "A.2": ClaimSpec("roadmap", GO_LIVE, verified=False),
    }
    counted_all = scoring.score(need(*items), offering(claims))
    assert counted_all.score == (5 * 100 + 3 * 25) / 8
    verified_only = need(*items, verified_only=True)
    assert scoring.score(verified_only, offering(claims)).score == 5 * 100 / 8
    lines = scoring.explain(verified_only, offering(claims))
    assert [(line.credit, line.unverified) for line in lines] == [
        (100, False),
        (0, True),
    ]
    unverified_must = {"A.1": ClaimSpec("meets")}
    assert scoring.score(verified_only, offering(unverified_must)).gaps == ("A.1",)
