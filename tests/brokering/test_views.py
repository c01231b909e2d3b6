"""The brokering pages: the need wizard, results, explanation, matrix, reports."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from brokering import services
from brokering.models import Match, MatchStatus, Need, NeedStatus, RunStatus, ScoringRun
from catalog.models import ClaimLevel
from tests.catalog.factories import rewrite_claims

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_client(client_for, agency_user):
    return client_for(agency_user)


@pytest.fixture
def scored_need(agency, make_need, make_offering, capabilities):
    top = make_offering(
        [(c, ClaimLevel.MEETS) for c in capabilities], name="Top Ledger", slug="top"
    )
    make_offering(
        [
            (capabilities[0], ClaimLevel.EXTENSION),
            (capabilities[1], ClaimLevel.ROADMAP),
        ],
        name="Second Ledger",
        slug="second",
    )
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    need.top = Match.objects.get(need=need, offering=top)
    return need


def test_wizard_builds_and_activates_a_need(
    agency_client, capabilities, django_capture_on_commit_callbacks
):
    response = agency_client.post(
        reverse("brokering:need-create"),
        {
            "title": "Modernize core FM",
            "go_live_date": "2028-10-01",
            "accepted_provider_kinds": ["commercial"],
            "minimum_impact_level": "moderate",
        },
    )
    need = Need.objects.get()
    assert response.url == reverse("brokering:need-functions", args=[need.pk])
    function_ids = sorted({c.function_id for c in capabilities})
    response = agency_client.post(response.url, {"functions": function_ids})
    assert need.items.count() == 4
    assert set(need.items.values_list("priority", flat=True)) == {"should"}
    first_function = agency_client.get(response.url)
    assert "FFM.010.010.011" in first_function.text
    form = {f"cap-{c.pk}": "must" for c in capabilities[:2]}
    response = agency_client.post(response.url, form)
    assert response.url.endswith("?function=FFM.020")
    response = agency_client.post(response.url, {"set_all": "could", "review": "1"})
    assert response.url == reverse("brokering:need-review", args=[need.pk])
    assert dict(need.items.values_list("capability__code", "priority")) == {
        "FFM.010.010.011": "must",
        "FFM.010.010.012": "must",
        "FFM.020.010.011": "could",
        "FFM.020.010.012": "could",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = agency_client.post(response.url)
    need.refresh_from_db()
    assert need.status == NeedStatus.ACTIVE
    assert response.url == reverse("brokering:need-results", args=[need.pk])
    assert ScoringRun.objects.get(need=need).status == RunStatus.DONE


def test_bad_input_is_reported_at_the_field_and_kept(agency_client, release):
    response = agency_client.post(
        reverse("brokering:need-create"),
        {"title": "Kept title", "go_live_date": "not a date"},
    )
    assert response.status_code == 200
    assert "Enter the date as YYYY-MM-DD, for example 2027-03-31." in response.text
    assert 'value="Kept title"' in response.text
    assert not Need.objects.exists()


def test_results_rank_and_show_coverage_bars_without_inline_styles(
    agency_client, scored_need
):
    response = agency_client.get(
        reverse("brokering:need-results", args=[scored_need.pk])
    )
    text = response.text
    assert text.index("Top Ledger") < text.index("Second Ledger")
    assert "<svg" in text and 'width="100"' in text and "<meter" in text
    assert "style=" not in text
    assert "http-equiv" not in text  # nothing pending


def test_results_poll_a_status_url_while_a_run_is_queued(agency_client, scored_need):
    run = ScoringRun.objects.create(need=scored_need, status=RunStatus.QUEUED)
    response = agency_client.get(
        reverse("brokering:need-results", args=[scored_need.pk])
    )
    text = response.text
    # No <meta http-equiv="refresh"> (WCAG 2.2.1): a script file polls the status URL
    # and announces completion in a live region; a plain link reloads without it.
    assert "http-equiv" not in text
    assert "Scoring is under way" in text
    assert ">reload the page</a>" in text
    status_url = reverse("brokering:need-results-status", args=[scored_need.pk])
    assert f'data-status-url="{status_url}"' in text
    assert 'id="scoring-announcement" role="status" aria-live="polite"' in text
    assert "/static/marketplace/js/scoring-status.js" in text
    assert "<script>" not in text

    pending = agency_client.get(status_url)
    assert pending["Content-Type"] == "application/json"
    assert "no-cache" in pending["Cache-Control"]
    assert pending.json() == {
        "pending": True,
        "run_status": "queued",
        "finished_at": None,
        "offerings_scored": 2,
        "message": "Scoring is under way.",
    }
    services.scoring_run_execute(run_id=run.pk)
    done = agency_client.get(status_url).json()
    run.refresh_from_db()
    assert done["pending"] is False and done["run_status"] == "done"
    assert done["finished_at"] == run.finished_at.isoformat()
    assert done["message"] == "Scoring has finished: 2 published offerings scored."
    finished_page = agency_client.get(
        reverse("brokering:need-results", args=[scored_need.pk])
    ).text
    assert "scoring-status.js" not in finished_page


def test_scoring_status_is_for_the_need_agency_and_brokers_only(
    client_for, other_agency_user, broker, provider_user, scored_need
):
    url = reverse("brokering:need-results-status", args=[scored_need.pk])
    assert client_for(other_agency_user).get(url).status_code == 404
    assert client_for(provider_user).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    answer = client_for(broker).get(url)
    assert answer.status_code == 200 and answer.json()["pending"] is False


def test_scoring_status_of_a_draft_says_it_was_never_scored(
    agency_client, agency, make_need
):
    need = make_need(agency)
    answer = agency_client.get(
        reverse("brokering:need-results-status", args=[need.pk])
    ).json()
    assert answer == {
        "pending": False,
        "run_status": None,
        "finished_at": None,
        "offerings_scored": None,
        "message": "The need has not been scored yet.",
    }


def test_results_ignore_bad_query_parameters(agency_client, scored_need):
    url = reverse("brokering:need-results", args=[scored_need.pk])
    response = agency_client.get(
        url, {"page": "abc", "status": "nonsense", "eligible": "x"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [3, 30])
def test_results_page_runs_a_fixed_number_of_queries(
    agency_client,
    scored_need,
    make_offering,
    capabilities,
    extra,
    django_assert_num_queries,
):
    for n in range(extra):
        make_offering([(capabilities[n % 4], ClaimLevel.MEETS)], slug=f"extra-{n}")
    services.matches_refresh_for_need(need_id=scored_need.pk)
    url = reverse("brokering:need-results", args=[scored_need.pk])
    agency_client.get(url)
    with django_assert_num_queries(9):
        agency_client.get(url)


def test_match_page_explains_the_score_line_by_line(agency_client, scored_need):
    second = Match.objects.get(need=scored_need, offering__slug="second")
    response = agency_client.get(
        reverse("brokering:match-detail", args=[scored_need.pk, second.pk])
    )
    text = response.text
    # must extension 5 x 0.5 + should roadmap (2027-01-01 <= 2028-01-01) 3 x 0.25
    assert "325" not in text and "3.25" in text
    assert "Evidence for FFM.010.010.011" in text
    assert "Extension (custom development)" in text and "No claim" in text
    assert "Unknown" not in text
    assert f"{second.score:.2f}" in text
    assert "Gap" in text
    assert "style=" not in text


def test_agency_shortlists_and_downloads_the_fit_gap_report(
    agency_client, scored_need, capabilities
):
    rewrite_claims(scored_need.top.offering, evidence='=HYPERLINK("http://evil")')
    response = agency_client.post(
        reverse("brokering:match-shortlist", args=[scored_need.pk, scored_need.top.pk]),
        {"status": MatchStatus.SHORTLISTED, "note": "Best fit"},
    )
    assert response.status_code == 302
    scored_need.top.refresh_from_db()
    assert scored_need.top.status == MatchStatus.SHORTLISTED
    download = agency_client.get(
        reverse("brokering:need-report-download", args=[scored_need.pk, "csv"])
    )
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [r["capability_code"] for r in rows] == [c.code for c in capabilities]
    assert {r["offering_slug"] for r in rows} == {"top"}
    assert rows[0]["evidence"] == '\'=HYPERLINK("http://evil")'
    xlsx = agency_client.get(
        reverse("brokering:need-report-download", args=[scored_need.pk, "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.max_row == 5
    assert sheet.cell(2, header.index("evidence") + 1).value.startswith("'=")
    page = agency_client.get(reverse("brokering:need-report", args=[scored_need.pk]))
    assert "Top Ledger" in page.text and "Second Ledger" not in page.text


def test_agency_cannot_recommend_through_the_shortlist_form(agency_client, scored_need):
    agency_client.post(
        reverse("brokering:match-shortlist", args=[scored_need.pk, scored_need.top.pk]),
        {"status": MatchStatus.RECOMMENDED},
    )
    scored_need.top.refresh_from_db()
    assert scored_need.top.status == MatchStatus.PROPOSED


def test_matrix_highlights_gaps(agency_client, scored_need):
    response = agency_client.get(
        reverse("brokering:need-matrix", args=[scored_need.pk])
    )
    assert response.text.count("Gap</span>") == 2  # Second Ledger: two musts
    filtered = agency_client.get(
        reverse("brokering:need-matrix", args=[scored_need.pk]), {"function": "FFM.020"}
    )
    assert "FFM.010.010.011" not in filtered.text.split("<table")[1]


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_priorities_round_trip_through_csv_and_xlsx(agency_client, agency, make_need):
    need = make_need(agency)
    before = dict(need.items.values_list("capability__code", "priority"))
    for fmt in ("csv", "xlsx"):
        exported = agency_client.get(
            reverse("brokering:need-priorities-export", args=[need.pk, fmt])
        )
        need.items.update(priority="could")
        response = agency_client.post(
            reverse("brokering:need-priorities-import", args=[need.pk]),
            {"file": _upload(f"priorities.{fmt}", exported.content)},
        )
        assert response.status_code == 302
        assert dict(need.items.values_list("capability__code", "priority")) == before


def test_bad_rows_are_reported_by_number_and_nothing_is_written(
    agency_client, agency, make_need
):
    need = make_need(agency)
    before = dict(need.items.values_list("capability__code", "priority"))
    content = (
        b"capability_code,priority\n"
        b"FFM.010.010.011,could\n"
        b"FFM.999.999.999,must\n"
        b"FFM.010.010.012,sometimes\n"
        b"FFM.010.010.011,must\n"
    )
    response = agency_client.post(
        reverse("brokering:need-priorities-import", args=[need.pk]),
        {"file": _upload("p.csv", content)},
    )
    assert response.status_code == 400
    for expected in ("Row 3:", "Row 4:", "Row 5:", "Nothing was imported"):
        assert expected in response.text
    assert dict(need.items.values_list("capability__code", "priority")) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.txt", b"x", "Choose a .csv or .xlsx file."),
        ("p.xlsx", b"not a zip", "not a readable .xlsx"),
        ("p.csv", b"code,level\nA,B\n", "capability_code and priority"),
        ("p.csv", b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_unreadable_files_get_a_clear_message(
    agency_client, agency, make_need, name, content, message
):
    need = make_need(agency)
    response = agency_client.post(
        reverse("brokering:need-priorities-import", args=[need.pk]),
        {"file": _upload(name, content)},
    )
    assert response.status_code == 400
    assert message in response.text


def test_import_reads_xlsx_written_elsewhere(agency_client, agency, make_need):
    need = make_need(agency)
    workbook = Workbook()
    workbook.active.append(["Capability_Code", "Priority"])
    workbook.active.append(["FFM.010.010.011", "COULD"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    agency_client.post(
        reverse("brokering:need-priorities-import", args=[need.pk]),
        {"file": _upload("p.xlsx", buffer.getvalue())},
    )
    assert need.items.get(capability__code="FFM.010.010.011").priority == "could"


def test_clone_and_archive(agency_client, agency, make_need):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    response = agency_client.post(reverse("brokering:need-clone", args=[need.pk]))
    copy = Need.objects.exclude(pk=need.pk).get()
    assert response.url == reverse("brokering:need-detail", args=[copy.pk])
    agency_client.post(reverse("brokering:need-archive", args=[need.pk]))
    need.refresh_from_db()
    assert need.status == NeedStatus.ARCHIVED
    refused = agency_client.get(reverse("brokering:need-edit", args=[need.pk]))
    assert refused.url == reverse("brokering:need-detail", args=[need.pk])


def test_rescore_of_a_draft_is_refused_politely(agency_client, agency, make_need):
    need = make_need(agency)
    response = agency_client.post(reverse("brokering:need-rescore", args=[need.pk]))
    assert response.status_code == 302
    assert not ScoringRun.objects.exists()


def test_broker_reads_any_agency_need_but_cannot_edit(client_for, broker, scored_need):
    client = client_for(broker)
    assert (
        client.get(reverse("brokering:need-results", args=[scored_need.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("brokering:need-edit", args=[scored_need.pk])).status_code
        == 403
    )


def test_create_without_a_current_release_explains_why(agency_client):
    response = agency_client.get(reverse("brokering:need-create"))
    assert response.status_code == 302
    follow = agency_client.get(response.url)
    assert "no current standards release" in follow.text


def test_go_live_date_is_bounded(agency_client, release):
    response = agency_client.post(
        reverse("brokering:need-create"),
        {"title": "x", "go_live_date": (datetime.date(2101, 1, 1)).isoformat()},
    )
    assert "before 2100" in response.text
