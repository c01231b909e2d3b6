"""The pages of references, exchanges, specifications, reports, data elements and the
change log: content as written, search in the URL, 404s, pinned query counts."""

import pytest
from django.urls import reverse

from standards.models import DataElement, Exchange, Reference, Report

pytestmark = pytest.mark.django_db


def url(view, **kwargs):
    return reverse(f"standards:{view}", kwargs=kwargs)


def test_the_reference_index_is_browsable_and_searchable(client, fy2025):
    text = client.get(url("reference-list", name="FY2025")).content.decode()
    assert "155 references." in text
    response = client.get(url("reference-list", name="FY2025"), {"type": "retired"})
    assert response.context["page_obj"].paginator.count == 14
    response = client.get(url("reference-list", name="FY2025"), {"q": "(19)"})
    assert [r.code for r in response.context["page_obj"]] == ["(19)"]
    response = client.get(url("reference-list", name="FY2025"), {"type": "x"})
    assert response.status_code == 400
    text = client.get(
        url("reference-detail", name="FY2025", number=19)
    ).content.decode()
    assert "FFM.010.010.011" in text  # a capability that cites it
    assert (
        client.get(url("reference-detail", name="FY2025", number=999)).status_code
        == 404
    )


def test_exchanges_list_and_detail(client, fy2025):
    response = client.get(url("exchange-list", name="FY2025"))
    text = response.content.decode()
    assert "36 exchanges." in text
    assert "Federal Personnel and Payroll System (FPPS)" in text  # no exchange row
    response = client.get(url("exchange-list", name="FY2025"), {"q": "GTAS"})
    exchange = next(iter(response.context["page_obj"]))
    assert exchange.specification == "FFM-GTAS BIE"
    page = client.get(url("exchange-detail", name="FY2025", position=exchange.position))
    assert "United States Standard General Ledger (USSGL) account balance" in (
        page.content.decode()
    )
    spec = client.get(
        url(
            "specification-detail",
            name="FY2025",
            position=exchange.specification_tab.position,
        )
    ).content.decode()
    assert "ALLOCATION TRANSFER AGENCY IDENTIFIER" in spec
    assert url("data-element-detail", name="FY2025", label="AgencyIdentifier") in spec
    assert (
        client.get(url("exchange-detail", name="FY2025", position=99)).status_code
        == 404
    )


def test_reports_list_and_detail(client, fy2025):
    text = client.get(url("report-list", name="FY2025")).content.decode()
    assert "15 reports." in text
    report = Report.objects.get(release=fy2025, name="Status of Funding")
    text = client.get(
        url("report-detail", name="FY2025", position=report.position)
    ).content.decode()
    assert "* Accounting Period<br>* Agency Identifier" in text
    assert "Percent Funds Available" in text
    response = client.get(url("report-list", name="FY2025"), {"q": "dunning"})
    assert [r.name for r in response.context["page_obj"]] == ["Dunning Notice"]


def test_a_data_element_page_shows_every_column_with_line_breaks(client, fy2025):
    element = DataElement.objects.get(release=fy2025, label="AccountingPeriod")
    text = client.get(
        url("data-element-detail", name="FY2025", label="AccountingPeriod")
    ).content.decode()
    assert element.example_value == "202201" and "202201" in text
    assert "FFM-GTAS BIE" in text and "Status of Funding" in text
    assert "USASpending.gov: Reporting_Period<br>" in text
    missing = url("data-element-detail", name="FY2025", label="NoSuchElement")
    assert client.get(missing).status_code == 404


def test_the_measure_list_shows_targets_as_written_and_every_column(client, fy2025):
    response = client.get(
        url("service-measure-list", name="FY2025"), {"q": "GTAS Submission Timeliness"}
    )
    text = response.content.decode()
    assert "<strong>=100%</strong>" in text
    assert "Measurement formula" in text and "Accountable organization" in text


def test_the_change_log_page_lists_every_workbook(client, fy2025):
    text = client.get(url("change-log", name="FY2025")).content.decode()
    for workbook in ("business_capabilities", "pre_built_business_reports"):
        assert f"<h2>{workbook}</h2>" in text
    assert "Modified Data Group Name" in text


@pytest.mark.parametrize(
    "view,queries",
    [
        ("reference-list", 3),
        ("exchange-list", 5),
        ("report-list", 3),
        ("data-element-list", 3),
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(
    client, fy2025, django_assert_num_queries, view, queries
):
    # Release, count and the page's rows (systems and specifications joined in one
    # query); the exchanges page adds its specifications and its lone systems.
    assert Exchange.objects.count() == 36 and Reference.objects.count() == 155
    with django_assert_num_queries(queries):
        response = client.get(url(view, name="FY2025"))
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["²", "(99999999999999999999)", "(1"])
def test_a_reference_search_that_only_looks_like_a_number_finds_nothing(client, query):
    from tests.standards.factories import ReleaseFactory, add_release_items

    add_release_items(ReleaseFactory(name="FY2099"))
    response = client.get(url("reference-list", name="FY2099"), {"q": query})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
