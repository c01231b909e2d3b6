"""The public standards pages: content, search and filters in the URL, bad input,
exports, the diff, and pinned query counts."""

import csv
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from standards import demo
from standards.models import ReleaseStatus
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
    ServiceMeasureFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_release():
    return demo.seed()


def url(view, **kwargs):
    return reverse(f"standards:{view}", kwargs=kwargs or None)


def test_the_release_list_shows_each_release_with_counts(client, demo_release, fy2025):
    response = client.get(url("release-list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "FY2025-DEMO" in text and "FY2025" in text
    rows = {r.name: r for r in response.context["releases"]}
    assert rows["FY2025"].capability_count == 89
    assert rows["FY2025"].measure_count == 100
    assert rows["FY2025-DEMO"].status == ReleaseStatus.CURRENT


def test_the_release_list_has_an_empty_state(client):
    response = client.get(url("release-list"))
    assert "No standards releases yet" in response.content.decode()


def test_a_release_page_lists_functions_and_activities(client, fy2025):
    response = client.get(url("release-detail", name="FY2025"))
    text = response.content.decode()
    assert "FFM.010 Budget Execution" in text
    assert "FFM.110.050" in text
    assert text.count('href="/standards/FY2025/activities/') == 51


def test_an_activity_page_lists_its_capabilities(client, fy2025):
    response = client.get(url("activity-detail", name="FY2025", code="FFM.010.010"))
    text = response.content.decode()
    assert "Budget Setup and Maintenance" in text
    for code in ("FFM.010.010.011", "FFM.010.010.012", "FFM.010.010.013"):
        assert code in text


def test_a_capability_page_shows_references_and_goal_group(client, fy2025):
    response = client.get(
        url("capability-detail", name="FY2025", code="FFM.010.010.011")
    )
    text = response.content.decode()
    assert "2.1.1 Recording Budget Authority" in text
    assert "OMB Circular A-11" in text
    assert "2.1.1.1" in text


def test_a_capability_page_links_the_same_id_in_other_releases(
    client, demo_release, fy2025
):
    response = client.get(
        url("capability-detail", name="FY2025", code="FFM.010.010.011")
    )
    assert (
        url("capability-detail", name="FY2025-DEMO", code="FFM.010.010.011")
        in response.content.decode()
    )


def test_search_within_a_release_finds_statements_and_ids(client, fy2025):
    response = client.get(
        url("capability-list", name="FY2025"), {"q": "apportionments"}
    )
    codes = [c.code for c in response.context["page_obj"].object_list]
    assert "FFM.010.010.012" in codes
    assert all(
        "apportionment" in c.statement.lower()
        or "apportionment" in c.authoritative_references.lower()
        or "apportionment" in c.other_references.lower()
        for c in response.context["page_obj"].object_list
    )
    by_id = client.get(url("capability-list", name="FY2025"), {"q": "FFM.070.010"})
    assert {c.activity.code for c in by_id.context["page_obj"].object_list} == {
        "FFM.070.010"
    }


def test_filters_travel_in_the_url_and_combine(client, fy2025):
    response = client.get(
        url("capability-list", name="FY2025"), {"function": "FFM.010", "kind": "O"}
    )
    capabilities = list(response.context["page_obj"].object_list)
    assert capabilities
    assert {(c.function.code, c.kind) for c in capabilities} == {("FFM.010", "O")}
    assert 'value="FFM.010" selected' in response.content.decode()


def test_pagination_keeps_the_filters(client, fy2025):
    response = client.get(url("capability-list", name="FY2025"), {"kind": "P"})
    assert response.context["page_obj"].paginator.num_pages > 1
    assert "kind=P&amp;page=2" in response.content.decode()
    beyond = client.get(url("capability-list", name="FY2025"), {"page": "999"})
    assert beyond.status_code == 200
    assert (
        beyond.context["page_obj"].number
        == beyond.context["page_obj"].paginator.num_pages
    )


def test_bad_filters_answer_400_with_the_message_at_the_field(client, fy2025):
    response = client.get(
        url("capability-list", name="FY2025"), {"kind": "Z", "q": "ledger"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Select a valid choice. Z is not one of the available choices." in text
    assert 'value="ledger"' in text  # nothing typed is lost


def test_an_overlong_search_is_refused_without_a_server_error(client, fy2025):
    response = client.get(url("capability-list", name="FY2025"), {"q": "x" * 500})
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.content.decode()


def test_an_empty_search_result_says_so(client, fy2025):
    response = client.get(
        url("capability-list", name="FY2025"), {"q": "zzzunknownword"}
    )
    assert "No capabilities match" in response.content.decode()


def test_service_measures_show_targets_and_filter_by_category(client, fy2025):
    response = client.get(
        url("service-measure-list", name="FY2025"), {"category": "QSMO Monitoring"}
    )
    measures = list(response.context["page_obj"].object_list)
    assert len(measures) == 3
    assert "&gt;=85%" in response.content.decode()


def test_data_elements_are_searchable(client, fy2025):
    response = client.get(
        url("data-element-list", name="FY2025"), {"q": "AccountEffectiveDate"}
    )
    assert [e.label for e in response.context["page_obj"].object_list] == [
        "AccountEffectiveDate"
    ]


def test_unknown_release_and_capability_answer_404(client, fy2025):
    assert client.get(url("release-detail", name="FY1999")).status_code == 404
    assert (
        client.get(
            url("capability-detail", name="FY2025", code="FFM.999.999.999")
        ).status_code
        == 404
    )


def test_the_diff_page_shows_demo_against_fy2025(client, demo_release, fy2025):
    response = client.get(url("release-diff"), {"old": "FY2025-DEMO", "new": "FY2025"})
    assert response.status_code == 200
    diff = response.context["diff"]
    text = response.content.decode()
    assert "Changes from FY2025-DEMO to FY2025" in text
    # FY2025 has FFM.010.020.021; the demo does not.
    assert "FFM.010.020.021" in [c.key for c in diff.capabilities.added]
    # The demo has FFM.010.020.013; FY2025 does not.
    assert "FFM.010.020.013" in [c.key for c in diff.capabilities.removed]
    changed = {c.key: c.fields for c in diff.capabilities.changed}
    assert "statement" in changed["FFM.010.010.011"]
    assert diff.service_measures.added and diff.service_measures.removed
    assert f"{len(diff.capabilities.added)}</td>" in text


def test_the_diff_of_a_release_with_itself_is_refused_at_the_field(
    client, demo_release
):
    response = client.get(
        url("release-diff"), {"old": "FY2025-DEMO", "new": "FY2025-DEMO"}
    )
    assert response.status_code == 400
    assert "Choose two different releases to compare." in response.content.decode()


def test_json_export_downloads_the_release(client, fy2025):
    response = client.get(url("release-export", name="FY2025", fmt="json"))
    assert response["Content-Disposition"] == (
        'attachment; filename="standards-FY2025.json"'
    )
    document = json.loads(response.content)
    assert len(document["functions"]) == 10
    assert len(document["activities"]) == 51
    assert len(document["reports"]) == 15
    assert len(document["service_measures"]) == 100


def test_csv_export_is_a_zip_of_one_csv_per_kind(client, fy2025):
    response = client.get(url("release-export", name="FY2025", fmt="csv"))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="standards-FY2025.csv.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        rows = {
            name: list(csv.reader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
            if name not in {"specifications.csv", "reports.csv"}  # long JSON cells
        }
        assert {"specifications.csv", "reports.csv"} <= set(archive.namelist())
    assert rows["capabilities.csv"][0][:2] == ["code", "activity_code"]
    assert len(rows["capabilities.csv"]) == 1 + 89
    assert len(rows["data_elements.csv"]) == 1 + 738
    assert len(rows["references.csv"]) == 1 + 155
    assert len(rows["exchanges.csv"]) == 1 + 36


def test_the_oscal_catalog_nests_functions_activities_and_controls(client, fy2025):
    response = client.get(url("release-export", name="FY2025", fmt="oscal"))
    catalog = json.loads(response.content)["catalog"]
    assert catalog["metadata"]["version"] == "FY2025"
    assert catalog["metadata"]["oscal-version"] == "1.1.2"
    # Measures for all activities come first, in a group of their own.
    assert catalog["groups"][0]["id"] == "ffm-000-000"
    groups = catalog["groups"][1:]
    assert [g["id"] for g in groups][:2] == ["ffm-010", "ffm-020"]
    assert all(g["class"] == "ffm-function" for g in groups)
    activities = [a for g in groups for a in g["groups"]]
    assert len(activities) == 51
    assert all(a["class"] == "ffm-activity" for a in activities)
    controls = [c for a in activities for c in a.get("controls", [])]
    assert len(controls) == 89
    first = groups[0]["groups"][0]["controls"][0]
    assert first["id"] == "ffm-010-010-011"
    assert {"name": "label", "value": "FFM.010.010.011"} in first["props"]
    assert {
        "name": "io-kind",
        "value": "input",
        "ns": "urn:fm-marketplace:oscal:standards",
    } in first["props"]
    assert first["parts"][0]["name"] == "statement"
    assert first["parts"][1]["name"] == "authoritative-references"


EXPORT_QUERIES = {"json": 12, "csv": 12, "oscal": 8}


def _release_with(n_functions: int, per_activity: int, name="FY2099"):
    release = ReleaseFactory(name=name)
    for f in range(n_functions):
        function = FunctionFactory(release=release, code=f"FFM.{(f + 1) * 10:03d}")
        for a in range(2):
            activity = ActivityFactory(
                release=release,
                function=function,
                code=f"{function.code}.{(a + 1) * 10:03d}",
            )
            for c in range(per_activity):
                CapabilityFactory(
                    release=release,
                    activity=activity,
                    function=function,
                    code=f"{activity.code}.{c + 11:03d}",
                )
            ServiceMeasureFactory(release=release, activity=activity)
    return release


@pytest.mark.parametrize("size", [(1, 1), (6, 4)])
def test_query_counts_do_not_grow_with_the_data(
    client, django_assert_num_queries, size
):
    release = _release_with(*size)
    pages = {
        url("release-list"): 1,
        url("release-detail", name=release.name): 3,
        url("capability-list", name=release.name): 5,
        url("service-measure-list", name=release.name) + "?q=Measure": 6,
        url("data-element-list", name=release.name): 2,
        url("activity-detail", name=release.name, code="FFM.010.010"): 4,
        # The capability, its versions and the references it cites.
        url("capability-detail", name=release.name, code="FFM.010.010.011"): 4,
    }
    for page, queries in pages.items():
        with django_assert_num_queries(queries):
            assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("size", [(1, 1), (6, 4)])
def test_the_diff_page_query_count_does_not_grow_with_the_data(
    client, django_assert_num_queries, size
):
    old = _release_with(*size, name="FY2098")
    type(old).objects.filter(pk=old.pk).update(status=ReleaseStatus.RETIRED)
    _release_with(size[0] + 1, size[1] + 1, name="FY2099")
    old.capabilities.update(statement="An older statement.")
    page = url("release-diff") + "?old=FY2098&new=FY2099"
    # Session and form (4), then one query per kind and release (2 x 11).
    with django_assert_num_queries(26):
        response = client.get(page)
    assert response.status_code == 200
    diff = response.context["diff"]
    assert diff.capabilities.added and diff.capabilities.changed


def test_search_uses_postgresql_full_text_search_with_stemming(client, fy2025):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search runs only on PostgreSQL")
    # "establishing subdivisions" matches "Establish ... fund subdivisions" only
    # through English stemming, which a substring match cannot do.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            url("capability-list", name="FY2025"), {"q": "establishing subdivisions"}
        )
    codes = [c.code for c in response.context["page_obj"].object_list]
    assert "FFM.010.010.012" in codes
    assert any("to_tsvector" in q["sql"] for q in queries.captured_queries)
    assert any("websearch_to_tsquery" in q["sql"] for q in queries.captured_queries)
    ranks = [c.rank for c in response.context["page_obj"].object_list]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.parametrize(
    "path",
    [
        "/standards/%00/",
        "/standards/FY2025-DEMO%00/capabilities/",
        "/standards/FY2025-DEMO/activities/FFM.010%00/",
        "/standards/FY2025-DEMO/capabilities/FFM.010.010.011%00/",
        "/standards/%00/export/json/",
    ],
)
def test_a_nul_in_a_release_name_or_id_answers_404(client, demo_release, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("size", [(1, 1), (6, 4)])
@pytest.mark.parametrize("fmt", ["json", "csv", "oscal"])
def test_export_query_counts_do_not_grow_with_the_data(
    client, django_assert_num_queries, size, fmt
):
    release = _release_with(*size)
    with django_assert_num_queries(EXPORT_QUERIES[fmt]):
        response = client.get(url("release-export", name=release.name, fmt=fmt))
    assert response.status_code == 200
