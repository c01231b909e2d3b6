"""The catalog, offering and compare pages: content, bad parameters answered with a
clear page (never a 500), and the same number of queries for 10 and 100 offerings."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import ClaimLevel, OfferingStatus
from tests.catalog.catalog_world import make_offering, make_release
from tests.catalog.factories import ContractVehicleFactory, OfferingFactory

pytestmark = pytest.mark.django_db

CATALOG = reverse("catalog:offering-list")
COMPARE = reverse("catalog:compare")


@pytest.fixture
def world():
    release, caps = make_release()
    vehicle = ContractVehicleFactory(name="GSA MAS", slug="gsa-mas")
    ledger = make_offering(
        release,
        covers=[caps["FFM.090"]],
        levels={caps["FFM.030"][0]: ClaimLevel.EXTENSION},
        name="Granite Ledger",
        slug="granite-ledger",
        description="General ledger for agencies.",
        customer_agencies=["NSF", "FCC"],
    )
    ledger.contract_vehicles.set([vehicle])
    payables = make_offering(
        release, covers=[caps["FFM.030"]], name="Keel Payables", slug="keel-payables"
    )
    return {"release": release, "caps": caps, "ledger": ledger, "payables": payables}


def text(response) -> str:
    return response.content.decode()


# Catalog page -----------------------------------------------------------------------


def test_the_catalog_lists_offerings_with_facets_and_compare_boxes(client, world):
    response = client.get(CATALOG)
    assert response.status_code == 200
    body = text(response)
    assert "2 offerings" in body
    assert "Granite Ledger" in body and "Keel Payables" in body
    assert 'name="function" value="FFM.090"' in body
    assert 'name="offering" value="granite-ledger"' in body
    assert "style=" not in body


def test_a_search_keeps_its_choices_in_the_url_and_the_form(client, world):
    response = client.get(CATALOG, {"q": "ledger", "vehicle": "gsa-mas"})
    body = text(response)
    assert response.status_code == 200
    assert 'value="ledger"' in body
    assert 'name="vehicle" value="gsa-mas" checked' in body
    assert "Contract vehicle: GSA MAS" in body
    assert "Keel Payables" not in body


def test_the_facets_and_results_escape_what_providers_typed(client, world):
    # Both are rendered by Jinja2 (catalog.display), autoescaped as Django's are.
    vehicle = ContractVehicleFactory(name="Schedule <70> & more", slug="s70")
    world["ledger"].name = "Granite <b>Ledger</b>"
    world["ledger"].save()
    world["ledger"].contract_vehicles.add(vehicle)
    body = text(client.get(CATALOG, {"vehicle": "s70"}))
    assert "<b>" not in body and "<70>" not in body
    assert "Schedule &lt;70&gt; &amp; more <span" in body  # the facet's label
    assert 'usa-tag bg-base-lighter text-ink">Schedule &lt;70&gt; &amp; more<' in body
    assert ">Granite &lt;b&gt;Ledger&lt;/b&gt;</a></h3>" in body
    assert 'name="vehicle" value="s70" checked' in body


def test_an_empty_result_explains_what_to_do(client, world):
    response = client.get(CATALOG, {"q": "nothing-like-this"})
    assert response.status_code == 200
    assert 'id="no-results"' in text(response)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "pirate"}, "kind"),
        ({"function": "FFM.999"}, "function"),
        ({"sort": "cheapest"}, "sort"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
    ],
)
def test_a_bad_parameter_gets_a_clear_page(client, world, query, field):
    response = client.get(CATALOG, {"q": "ledger", **query})
    assert response.status_code == 400
    body = text(response)
    assert 'id="bad-params"' in body
    assert f"<strong>{field}</strong>" in body
    assert 'value="ledger"' in body, "what the user typed is kept"


def test_a_page_past_the_end_says_how_many_pages_there_are(client, world):
    response = client.get(CATALOG, {"page": "99999"})
    assert response.status_code == 404
    body = text(response)
    assert "There is no page 99999" in body
    assert "page=1" in body


# Offering page ----------------------------------------------------------------------


def test_the_offering_page_shows_every_attribute_and_coverage(client, world):
    response = client.get(world["ledger"].get_absolute_url())
    assert response.status_code == 200
    body = text(response)
    for expected in (
        "Granite Ledger",
        "General ledger for agencies.",
        "GSA MAS",
        "NSF; FCC",
        "Core FS-SaaS",
        "FFM.090 General Ledger Management",
        "Compare with other offerings",
        "Sign in to keep shortlists",
    ):
        assert expected in body
    assert "<svg" in body and "<rect" in body
    assert "style=" not in body


def test_the_claims_table_filters_by_function_and_level(client, world):
    url = world["ledger"].get_absolute_url()
    body = text(client.get(url, {"level": "extension"}))
    assert "1 capability match the filter" in body
    assert "FFM.030.010.011" in body and "FFM.090.010.011" not in body
    body = text(client.get(url, {"function": "FFM.090"}))
    assert "3 capabilities match the filter" in body
    body = text(client.get(url, {"level": "unknown", "function": "FFM.010"}))
    assert "3 capabilities match the filter" in body


def test_a_bad_claims_filter_gets_a_clear_page(client, world):
    response = client.get(world["ledger"].get_absolute_url(), {"level": "maybe"})
    assert response.status_code == 400
    assert 'id="claim-filter-error"' in text(response)


@pytest.mark.parametrize(
    "status", [OfferingStatus.DRAFT, OfferingStatus.SUBMITTED, OfferingStatus.RETIRED]
)
def test_unpublished_offerings_answer_404(client, world, status):
    hidden = OfferingFactory(release=world["release"], slug="hidden", status=status)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_revision_of_a_published_offering_answers_404(client, world):
    revision = OfferingFactory(
        release=world["release"],
        slug="granite-ledger-revision",
        status=OfferingStatus.DRAFT,
        revision_of=world["ledger"],
    )
    assert client.get(revision.get_absolute_url()).status_code == 404


# Compare ----------------------------------------------------------------------------


def test_compare_shows_attributes_then_capabilities_with_differences(client, world):
    response = client.get(COMPARE, {"offering": ["granite-ledger", "keel-payables"]})
    assert response.status_code == 200
    body = text(response)
    assert body.index("Contract vehicles") < body.index("FFM.010.010.011")
    assert "Differs" in body
    assert "portal-diff" in body


def test_compare_can_show_only_the_rows_that_differ(client, world):
    full = text(client.get(COMPARE, {"offering": ["granite-ledger", "keel-payables"]}))
    diff = text(
        client.get(
            COMPARE, {"offering": ["granite-ledger", "keel-payables"], "diff": "on"}
        )
    )
    # Neither claims anything on budget execution: same row, hidden with diff on.
    assert "FFM.010.010.011" in full
    assert "FFM.010.010.011" not in diff
    assert "FFM.090.010.011" in diff


@pytest.mark.parametrize("count", [1, 7])
def test_one_or_seven_offerings_get_a_clear_page(client, world, count):
    for n in range(count):
        OfferingFactory(release=world["release"], slug=f"pick-{n}")
    response = client.get(COMPARE, {"offering": [f"pick-{n}" for n in range(count)]})
    assert response.status_code == 400
    body = text(response)
    assert 'id="compare-error"' in body
    assert "at least 2" in body if count == 1 else "at most 6" in body
    assert 'value="pick-0" checked' in body or 'value="pick-0"' in body


def test_an_unknown_or_draft_offering_cannot_be_compared(client, world):
    OfferingFactory(release=world["release"], slug="draft", status="draft")
    response = client.get(COMPARE, {"offering": ["granite-ledger", "draft"]})
    assert response.status_code == 400
    assert "draft" in text(response)


def test_compare_without_a_choice_offers_the_picker(client, world):
    response = client.get(COMPARE)
    assert response.status_code == 200
    body = text(response)
    assert "Choose offerings to compare" in body
    assert 'id="pick-granite-ledger"' in body and 'id="pick-keel-payables"' in body
    assert 'id="compare-error"' not in body


def test_compare_validates_only_the_offerings_it_is_asked_for(world):
    from catalog.forms import compare_form

    form = compare_form(QueryDict("offering=keel-payables&offering=nope&offering=x%00"))
    assert form.fields["offering"].choices == [("keel-payables", "Keel Payables")]
    assert not form.is_valid()
    assert "nope" in str(form.errors["offering"])


def test_the_offering_page_opens_the_picker_with_its_offering_ticked(client, world):
    body = text(client.get(world["ledger"].get_absolute_url()))
    link = "/catalog/compare/?offering=granite-ledger&amp;find=1"
    assert f'href="{link}"' in body
    response = client.get(COMPARE, {"offering": "granite-ledger", "find": "1"})
    assert response.status_code == 200
    body = text(response)
    assert 'id="compare-error"' not in body
    assert 'id="chosen-granite-ledger" type="checkbox" name="offering"' in body
    assert 'id="pick-granite-ledger"' not in body, "a chosen offering is not offered"
    assert 'id="pick-keel-payables"' in body


def test_the_picker_finds_offerings_and_keeps_the_choice(client, world):
    response = client.get(
        COMPARE, {"offering": "granite-ledger", "q": "payables", "find": "1"}
    )
    body = text(response)
    assert response.status_code == 200
    assert 'id="chosen-granite-ledger"' in body
    assert 'id="pick-keel-payables"' in body
    assert "Offerings matching “payables” (1)" in body
    body = text(client.get(COMPARE, {"q": "nothing-like-this", "find": "1"}))
    assert 'id="no-candidates"' in body
    # A bad search word is named at the search box; the picker still answers.
    response = client.get(COMPARE, {"q": "ledger\x00", "find": "1"})
    assert response.status_code == 200
    assert 'id="id_picker_q-error"' in text(response)


def test_the_picker_pages_the_catalog_and_keeps_the_choice_in_its_links(client, world):
    _populate(world, 2, 45)
    response = client.get(COMPARE, {"offering": "granite-ledger", "page": "2"})
    assert response.status_code == 400, "one offering cannot be compared"
    body = text(response)
    assert "at least 2" in body
    assert body.count('id="pick-') == 20
    assert 'id="chosen-granite-ledger"' in body
    assert "offering=granite-ledger&amp;find=1&amp;page=3" in body
    # A bad page number shows a page of the picker, never an error.
    assert client.get(COMPARE, {"page": "abc"}).status_code == 200
    assert client.get(COMPARE, {"page": "99999"}).status_code == 200


def test_a_comparison_shows_only_the_offerings_compared(client, world):
    _populate(world, 2, 30)
    response = client.get(COMPARE, {"offering": ["granite-ledger", "bulk-010"]})
    assert response.status_code == 200
    body = text(response)
    assert "Bulk Offering 010" in body
    assert "Bulk Offering 011" not in body and "Keel Payables" not in body


# Query counts -----------------------------------------------------------------------


def _populate(world, start: int, total: int) -> None:
    caps = world["caps"]
    vehicles = [
        ContractVehicleFactory(name=f"Vehicle {n}", slug=f"v-{n}") for n in range(3)
    ]
    for n in range(start, total):
        offering = make_offering(
            world["release"],
            covers=[caps["FFM.010"]] if n % 2 else [caps["FFM.030"]],
            name=f"Bulk Offering {n:03d}",
            slug=f"bulk-{n:03d}",
        )
        offering.contract_vehicles.set(vehicles[: n % 3 + 1])


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


PAGES = [
    ("catalog", lambda w: (CATALOG, {})),
    ("compare picker", lambda w: (COMPARE, {"q": "offering", "find": "1"})),
    ("catalog search", lambda w: (CATALOG, {"q": "offering", "kind": "commercial"})),
    ("offering", lambda w: (w["ledger"].get_absolute_url(), {})),
    (
        "compare",
        lambda w: (COMPARE, {"offering": ["granite-ledger", "keel-payables"]}),
    ),
]


@pytest.mark.parametrize(("name", "page"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_run_the_same_queries_for_10_and_100_offerings(
    client, world, django_assert_num_queries, name, page
):
    # Catalog: choices (3: functions, contract vehicles, Treasury systems), the
    # facet index (4: offerings, covered functions, contract vehicles, exchange
    # claims; a web process keeps it per catalog version and asks for the version
    # only), the page and its contract vehicles (2); a text search first finds the
    # ids its text matches (1; on PostgreSQL the offerings of its words, which a
    # web process keeps with the index) and on PostgreSQL misspelt names and the
    # parsed query (1: the similarity of the names' words that can reach the
    # threshold; one more when names only a stretch of their words could reach are
    # asked, none here); sorted by relevance, the ranked offerings' relevance (1)
    # and, off PostgreSQL, the names that start with the query (1; on PostgreSQL
    # from the index). Offering page:
    # the offering and its vehicles, the release's functions, coverage per
    # function, the first page of claims, the evidence documents, and for the other
    # kinds' sections the release's item space and the offering's claims on them.
    index = 4
    text = 1 + (1 if connection.vendor == "postgresql" else 0)
    relevance = 1 if connection.vendor == "postgresql" else 2
    expected = {
        "catalog": 5 + index,
        "catalog search": 5 + index + text + relevance,
        "offering": 8,
        "compare": 5,
        "compare picker": 6 + index + text,  # the number of matches: from the index
    }
    _populate(world, 2, 10)
    url, params = page(world)
    with django_assert_num_queries(expected[name]):
        assert client.get(url, params).status_code == 200
    _populate(world, 10, 100)
    with django_assert_num_queries(expected[name]):
        assert client.get(url, params).status_code == 200
