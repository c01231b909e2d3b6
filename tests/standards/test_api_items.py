"""The API of the newer standards kinds, against Treasury's FY2025 workbooks."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def api(view, **kwargs):
    return reverse(f"api:{view}", kwargs={"release": "FY2025", **kwargs})


def test_data_elements_carry_every_column_and_their_links(client, fy2025):
    response = client.get(api("data-element-detail", label="AccountingPeriod"))
    element = response.json()
    assert element["example_value"] == "202201"
    assert "FFM-GTAS BIE" in element["used_in_specifications"]
    assert "Status of Funding" in element["used_in_reports"]
    listing = client.get(api("data-element-list"), {"q": "AccountingPeriod"}).json()
    assert "AccountingPeriod" in [e["label"] for e in listing["results"]]


def test_references_exchanges_and_reports(client, fy2025):
    retired = client.get(api("reference-list"), {"type": "retired"}).json()
    assert retired["count"] == 14
    assert client.get(api("reference-detail", number=19)).json()["kind"] == (
        "authoritative"
    )
    assert client.get(api("reference-list"), {"type": "x"}).status_code == 400
    exchanges = client.get(api("exchange-list"), {"page_size": 100}).json()
    assert exchanges["count"] == 36
    gtas = next(e for e in exchanges["results"] if e["specification"] == "FFM-GTAS BIE")
    assert gtas["direction"] == "Outgoing"
    spec = client.get(
        api("specification-detail", position=gtas["specification_tab"])
    ).json()
    assert "AgencyIdentifier" in spec["data_elements"]
    reports = client.get(api("report-list")).json()
    assert reports["count"] == 15
    funding = next(r for r in reports["results"] if r["name"] == "Status of Funding")
    detail = client.get(api("report-detail", position=funding["position"])).json()
    assert detail["rows"][0][:2] == ["1", "Accounting Period"]


def test_measures_in_the_api_keep_the_targets_as_written(client, fy2025):
    measures = client.get(
        api("service-measure-list"), {"q": "GTAS Submission Timeliness"}
    ).json()["results"]
    assert "=100%" in [m["target"] for m in measures]
    assert all("accountable_organization" in m for m in measures)


@pytest.mark.parametrize(
    "view", ["data-element-list", "reference-list", "exchange-list", "report-list"]
)
def test_list_endpoints_run_a_fixed_number_of_queries(
    client, fy2025, django_assert_num_queries, view
):
    # The release, the count and one page of rows (release and system joined).
    with django_assert_num_queries(3):
        assert client.get(api(view)).status_code == 200
