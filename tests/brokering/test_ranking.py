"""One ranking order everywhere: eligible first, then fewest gaps, then highest score,
then the lowest offering id (docs/scoring.md, "Ranking").

Before, the scorer and the kept set broke ties by offering id while the results page
and ``Match.Meta`` broke them by offering name, so at the cut-off the page could show
an offering the kept set had left out.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokering import selectors, services
from brokering.admin import MatchAdmin
from brokering.models import Match, NeedStatus
from brokering.scoring.ranking import RANK_ORDER, Rank, rank, rank_key, rank_rows
from catalog.models import ClaimLevel
from tests.brokering.factories import AgencyFactory

pytestmark = pytest.mark.django_db

ranks = st.lists(
    st.tuples(
        st.booleans(),
        st.integers(0, 3),
        st.sampled_from([0, 10, 25, 50]),  # few values: many ties
    ),
    min_size=1,
    max_size=30,
)


@given(ranks)
def test_the_key_and_the_array_order_agree(rows):
    """The Python key and the arrays' order rank the same way, ties included (one
    need: the earned numerator stands for the score)."""
    offering_ids = list(range(len(rows), 0, -1))  # ids not in input order
    keyed = rank(
        Rank(eligible, gaps, float(earned), offering_id)
        for (eligible, gaps, earned), offering_id in zip(
            rows, offering_ids, strict=True
        )
    )
    order = rank_rows(
        eligible=np.array([row[0] for row in rows], dtype=bool),
        gaps=np.array([row[1] for row in rows], dtype=np.int64),
        earned=np.array([row[2] for row in rows], dtype=np.int64),
        offering_ids=np.array(offering_ids, dtype=np.int64),
    )
    assert [r.offering_id for r in keyed] == [offering_ids[i] for i in order]


def test_the_orm_order_is_the_key(settings):
    assert Match._meta.ordering == ["need", *RANK_ORDER]
    assert list(MatchAdmin.ordering) == ["need", *RANK_ORDER]
    assert RANK_ORDER == ("-eligible", "gaps_count", "-score", "offering_id")


def test_two_offerings_tied_at_the_cut_off_agree_everywhere(
    settings, capabilities, make_offering, make_need
):
    """Kept set, results page, admin order and the model's order all take the
    lower id of two offerings tied at the cut-off, whatever their names."""
    settings.BROKERING_MATCHES_KEPT = 2
    levels = [(capability, ClaimLevel.MEETS) for capability in capabilities]
    best = make_offering(levels, name="Best", slug="best")
    # Equal claims, so equal rank; the first made has the lower id and a name that
    # sorts after the second's.
    first = make_offering(levels[:3], name="Zeta", slug="zeta")
    second = make_offering(levels[:3], name="Alpha", slug="alpha")
    assert first.pk < second.pk
    need = make_need(AgencyFactory(), status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)

    kept = set(
        Match.objects.filter(need=need, top=True).values_list("offering_id", flat=True)
    )
    assert kept == {best.pk, first.pk}
    page = [m.offering_id for m in selectors.matches_for_need(need=need)]
    assert page[:2] == [best.pk, first.pk]
    assert [m.offering_id for m in Match.objects.filter(need=need)][:2] == [
        best.pk,
        first.pk,
    ]
    assert sorted(Match.objects.filter(need=need), key=rank_key)[1].offering_id == (
        first.pk
    )

    # The reverse direction keeps the same one: rescoring the tied offering with a
    # higher id leaves it out of the best.
    services.matches_refresh_for_offering(offering_id=second.pk)
    kept = set(
        Match.objects.filter(need=need, top=True).values_list("offering_id", flat=True)
    )
    assert kept == {best.pk, first.pk}
