"""The ranked results page's plain reads and Jinja2 rows (brokering/results.py) say
what the ORM's reads and Django's template said (docs/performance.md, finding 39)."""

import pytest
from django.core.paginator import Paginator
from django.db.models import Q
from django.template import engines
from django.urls import reverse

from brokering import results, selectors, services
from brokering.models import Match, MatchStatus, NeedStatus, RunStatus, ScoringRun
from catalog.models import ClaimLevel
from tests.catalog.factories import ProviderFactory

pytestmark = pytest.mark.django_db

# The rows as need_results.html placed them with Django's engine before
# (finding 39): the reference the Jinja2 rows must equal byte for byte.
DJANGO_ROWS = """{% load brokering %}{% for row in rows %}{% with match=row.match %}
    <tr>
      <td>{{ row.rank }}</td>
      <th scope="row"><a href="{% url 'brokering:match-detail' need.pk match.pk %}">{{ match.offering.name }}</a><br><span class="text-base">{{ match.offering.provider.name }}</span></th>
      <td><span class="text-bold">{{ match.score|floatformat:1 }}</span><br><meter min="0" max="100" value="{{ match.score|floatformat:'1u' }}" aria-label="Score of {{ match.offering.name }}">{{ match.score|floatformat:1 }} of 100</meter></td>
      <td>{% if match.eligible %}Yes{% else %}No<br><span class="text-base">{{ match.ineligible_reasons|join:"; " }}</span>{% endif %}</td>
      <td>{% if match.gaps_count %}<span class="text-secondary-dark text-bold">{{ match.gaps_count }}</span>{% else %}0{% endif %}</td>
      <td><ul class="brokering-coverage">{% for function in row.coverage %}<li><span class="brokering-coverage__function">{{ function.function }}</span> {{ function|coverage_bar }}</li>{% endfor %}</ul></td>
      <td>{{ match.get_status_display }}</td>
    </tr>
  {% endwith %}{% endfor %}"""  # noqa: E501

FILTERS = [(False, ""), (True, ""), (False, MatchStatus.SHORTLISTED), (True, "x")]


@pytest.fixture
def ranked_need(agency, make_need, make_offering, capabilities):
    """Seven offerings with different claims, a shortlisted one, an ineligible one
    whose name, provider and reasons need escaping, and one unpublished."""
    levels = [ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE, ClaimLevel.EXTENSION]
    tricky = ProviderFactory(name='Tom & "Jerry\'s" <Cloud>', slug="tricky")
    for n in range(7):
        make_offering(
            [(c, levels[(n + i) % 3]) for i, c in enumerate(capabilities[: n % 4 + 1])],
            slug=f"o-{n}",
            name=f"<i>Ledger</i> O'Brien {n}" if n == 3 else f"Ledger {n}",
            **({"provider": tricky} if n == 3 else {}),
        )
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    matches = Match.objects.filter(need=need).order_by("offering__slug")
    services.match_decide(
        match_id=matches[1].pk, status=MatchStatus.SHORTLISTED, decided_by=None
    )
    Match.objects.filter(pk=matches[3].pk).update(
        eligible=False, ineligible_reasons=["<b>FedRAMP</b> & 'impact'", "Kind"]
    )
    offering = matches[5].offering
    offering.status = "draft"
    offering.save(update_fields=["status"])
    return need


def _orm_page(need, eligible_only, status, number, size):
    matches = selectors.matches_for_need(
        need=need, eligible_only=eligible_only, status=status
    )
    return Paginator(matches, size).get_page(number)


@pytest.mark.parametrize(("eligible_only", "status"), FILTERS)
@pytest.mark.parametrize("number", [1, 2, 3, 9])
def test_the_ranked_page_is_the_selectors_page(
    ranked_need, eligible_only, status, number
):
    expected = _orm_page(ranked_need, eligible_only, status, number, 2)
    page = Paginator(
        results.RankedMatches(
            need_id=ranked_need.pk, eligible_only=eligible_only, status=status
        ),
        2,
    ).get_page(number)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (
        expected.number,
        expected.paginator.count,
        expected.paginator.num_pages,
    )
    assert list(page.object_list) == [
        results.RankedMatch(
            m.pk,
            m.offering_id,
            m.score,
            m.eligible,
            m.ineligible_reasons,
            m.gaps_count,
            m.status,
            m.offering.name,
            m.offering.provider.name,
        )
        for m in expected.object_list
    ]


def test_coverage_is_the_selectors_coverage(ranked_need):
    offering_ids = [m.offering_id for m in Match.objects.filter(need=ranked_need)]
    assert results.coverage(
        need_id=ranked_need.pk, offering_ids=offering_ids
    ) == selectors.function_coverage(need=ranked_need, offering_ids=offering_ids)
    assert results.coverage(need_id=ranked_need.pk, offering_ids=[]) == {}


@pytest.mark.parametrize(("eligible_only", "status"), FILTERS[:3])
def test_the_rows_are_what_django_s_template_wrote(ranked_need, eligible_only, status):
    seen = ""
    for number in (1, 2, 3):
        expected = _orm_page(ranked_need, eligible_only, status, number, 3)
        ids = [m.offering_id for m in expected.object_list]
        covered = selectors.function_coverage(need=ranked_need, offering_ids=ids)
        reference = (
            engines["django"]
            .from_string(DJANGO_ROWS)
            .render(
                {
                    "need": ranked_need,
                    "rows": [
                        {
                            "match": match,
                            "rank": expected.start_index() + index,
                            "coverage": covered[match.offering_id],
                        }
                        for index, match in enumerate(expected.object_list)
                    ],
                }
            )
        )
        page = Paginator(
            results.RankedMatches(
                need_id=ranked_need.pk, eligible_only=eligible_only, status=status
            ),
            3,
        ).get_page(number)
        rows = results.result_rows(
            need_id=ranked_need.pk,
            matches=page.object_list,
            first_rank=page.start_index(),
            covered=results.coverage(need_id=ranked_need.pk, offering_ids=ids),
        )
        assert rows == reference
        seen += rows
    if not (eligible_only or status):  # the offering needing escapes is shown
        assert "&lt;i&gt;Ledger&lt;/i&gt; O&#x27;Brien 3" in seen


def test_latest_run_and_pending_are_the_orm_s(ranked_need, make_offering):
    def orm():
        latest = ranked_need.runs.order_by("-queued_at", "-id").first()
        pending = ScoringRun.objects.filter(
            Q(need=ranked_need) | Q(offering__matches__need=ranked_need),
            status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
        ).exists()
        return (latest.pk if latest else None), pending

    def plain():
        latest = selectors.latest_run(need=ranked_need)
        return (latest.pk if latest else None), selectors.need_scoring_pending(
            need=ranked_need
        )

    assert plain() == orm()
    matched = Match.objects.filter(need=ranked_need).first().offering
    unmatched = make_offering([], slug="unmatched")
    ScoringRun.objects.filter(need=ranked_need).delete()
    assert plain() == orm() == (None, False)
    ScoringRun.objects.create(offering=unmatched, status=RunStatus.QUEUED)
    assert plain() == orm() and not plain()[1]
    run = ScoringRun.objects.create(offering=matched, status=RunStatus.RUNNING)
    assert plain() == orm() and plain()[1]
    run.status = RunStatus.DONE
    run.save()
    first = ScoringRun.objects.create(need=ranked_need, status=RunStatus.QUEUED)
    second = ScoringRun.objects.create(
        need=ranked_need, status=RunStatus.FAILED, queued_at=first.queued_at
    )
    assert plain() == orm() == (second.pk, True)
    assert selectors.latest_run(need=ranked_need).status == RunStatus.FAILED


def test_the_page_filters_and_pages_as_before(client_for, agency_user, ranked_need):
    client = client_for(agency_user)
    url = reverse("brokering:need-results", args=[ranked_need.pk])
    everything = client.get(url).text
    assert everything.count("<tr>") == 7  # six published, the header
    assert "Tom &amp; &quot;Jerry&#x27;s&quot; &lt;Cloud&gt;" in everything
    assert "&lt;b&gt;FedRAMP&lt;/b&gt; &amp; &#x27;impact&#x27;; Kind" in everything
    shortlisted = client.get(url, {"status": "shortlisted", "eligible": "on"}).text
    assert shortlisted.count("<tr>") == 2
    assert '<option value="shortlisted" selected>' in shortlisted
    assert 'name="eligible" class="usa-checkbox__input" id="id_eligible" checked' in (
        shortlisted
    )
    bad = client.get(url, {"status": "nonsense"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.text
    assert '<option value="shortlisted" selected>' not in client.get(url).text
