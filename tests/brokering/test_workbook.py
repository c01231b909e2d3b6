"""The business needs workbook: a need of all five kinds round-trips through the
XLSX file; bad files are refused whole, every problem named by sheet, row and
column; the API and the management commands; who may use them."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

from brokering import workbook
from brokering.models import Need, NeedItem, NeedStatus
from tests.brokering.kinds import mixed_need, mixed_release

pytestmark = pytest.mark.django_db
XLSX = workbook.CONTENT_TYPE


def items_of(need) -> set[tuple]:
    return set(
        NeedItem.objects.filter(need=need).values_list(
            "kind",
            "capability_id",
            "service_measure_id",
            "exchange_id",
            "report_id",
            "priority",
            "rationale",
            "target",
            "code",
            "statement",
            "authority",
            "function_id",
        )
    )


def fields_of(need) -> tuple:
    return (
        need.title,
        need.go_live_date,
        need.accepted_provider_kinds,
        need.minimum_impact_level,
        need.accepted_deployment_models,
        need.release_id,
    )


def edited(content: bytes, changes: dict[str, dict[str, object]]) -> bytes:
    """The workbook with cells changed: ``{sheet: {"B3": value}}``."""
    book = load_workbook(io.BytesIO(content))
    for sheet, cells in changes.items():
        for cell, value in cells.items():
            book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def need(agency):
    data = mixed_release()
    need = mixed_need(data, agency=agency, status=NeedStatus.DRAFT)
    need.accepted_provider_kinds = ["federal"]
    need.minimum_impact_level = "moderate"
    need.save()
    return need


def test_the_workbook_has_a_sheet_per_kind_instructions_metadata_and_drop_downs(need):
    book = load_workbook(io.BytesIO(workbook.workbook_bytes(need)))
    assert book.sheetnames == [
        "Instructions",
        "Need",
        "Capabilities",
        "Service measures",
        "Information exchanges",
        "Pre-built reports",
        "Agency requirements",
    ]
    metadata = {row[0]: row[1] for row in book["Need"].iter_rows(values_only=True)}
    assert metadata["need_id"] == str(need.pk)
    assert metadata["release"] == "FY2099"
    assert metadata["accepted_provider_kinds"] == "federal"
    measures = list(book["Service measures"].iter_rows(values_only=True))
    assert measures[0] == tuple(workbook.MEASURE_COLUMNS)
    assert measures[2] == (
        "FFM.010.010.0012",
        "FFM.010",
        "Customer satisfaction",
        "TBD by service customer",
        ">= 4.5 of 5",
        "must",
        None,
    )
    for title in ("Capabilities", "Agency requirements"):
        (validation,) = book[title].data_validations.dataValidation
        assert validation.formula1 == '"must,should,could"'
    # A statement that a spreadsheet would run is stored as text, marked.
    agency_row = list(book["Agency requirements"].iter_rows(values_only=True))[1]
    assert agency_row[2] == "'=The system keeps records for 7 years."
    assert book["Agency requirements"]["C2"].data_type == "s"


def test_a_need_of_every_kind_round_trips_exactly(need, agency):
    before_items, before_fields = items_of(need), fields_of(need)
    content = workbook.workbook_bytes(need)
    # Uploaded back onto the need: nothing changes.
    workbook.workbook_apply(content=content, agency=agency, by=None, need_id=need.pk)
    need.refresh_from_db()
    assert items_of(need) == before_items
    assert fields_of(need) == before_fields
    assert not NeedItem.history.filter(need_id=need.pk).exists()  # nothing written
    # Uploaded as a new need (need ID blanked): the same items and fields.
    copy = workbook.workbook_apply(
        content=edited(content, {"Need": {"B2": None}}), agency=agency, by=None
    )
    assert copy.pk != need.pk
    strip = lambda rows: {row[:1] + row[1:] for row in rows}  # noqa: E731
    assert strip(items_of(copy)) == strip(before_items)
    assert fields_of(copy) == before_fields
    # And the new need's workbook is the old one's but for the need ID.
    again = load_workbook(io.BytesIO(workbook.workbook_bytes(copy)))
    first = load_workbook(io.BytesIO(content))
    for title in first.sheetnames[2:]:
        assert list(again[title].iter_rows(values_only=True)) == list(
            first[title].iter_rows(values_only=True)
        )


def test_an_upload_changes_priorities_targets_and_agency_items(need, agency):
    content = edited(
        workbook.workbook_bytes(need),
        {
            "Capabilities": {"D3": "should", "E3": "Needed for FY2028."},
            "Service measures": {"F2": None, "G2": None},  # not needed any more
            "Information exchanges": {"D3": "could"},
            "Agency requirements": {
                "A3": "AGY-002",
                "B3": "FFM.020",
                "C3": "Payments are approved by two people.",
                "D3": "Directive 9",
                "E3": "should",
            },
        },
    )
    workbook.workbook_apply(content=content, agency=agency, by=None, need_id=need.pk)
    items = {
        (i.kind, i.code or i.item_id): i for i in NeedItem.objects.filter(need=need)
    }
    # 7 - 1 measure + 1 capability + 1 exchange + 1 agency item
    assert len(items) == 9
    capability = need.release.capabilities.get(code="FFM.010.010.012")
    assert items[("capability", capability.pk)].rationale == "Needed for FY2028."
    assert items[("agency", "AGY-002")].function.code == "FFM.020"


def test_every_bad_cell_is_named_and_nothing_is_written(need, agency):
    before = items_of(need)
    content = edited(
        workbook.workbook_bytes(need),
        {
            "Need": {"B5": "", "B6": "next year"},
            "Capabilities": {"A2": "FFM.999.999.999", "D3": "urgent"},
            "Service measures": {"F3": None},  # target without priority
            "Pre-built reports": {"A3": "RPT-1"},  # the same report twice
            "Agency requirements": {"A2": "EX-1", "B2": "FFM.777", "C2": None},
        },
    )
    with pytest.raises(workbook.WorkbookError) as raised:
        workbook.workbook_apply(
            content=content, agency=agency, by=None, need_id=need.pk
        )
    found = {(p.sheet, p.row, p.column) for p in raised.value.problems}
    assert found == {
        ("Need", 5, "Value"),
        ("Need", 6, "Value"),
        ("Capabilities", 2, "ID"),
        ("Capabilities", 3, "Priority"),
        ("Service measures", 3, "Priority"),
        ("Pre-built reports", 3, "ID"),
        ("Agency requirements", 2, "ID"),
        ("Agency requirements", 2, "Function"),
        ("Agency requirements", 2, "Statement"),
    }
    assert (
        "Capabilities, row 3, column Priority: “urgent” is not must, should or could."
        in {str(p) for p in raised.value.problems}
    )
    assert items_of(need) == before
    assert Need.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "not a readable .xlsx"),
        (b"x" * (workbook.MAX_UPLOAD_BYTES + 1), "larger than 5 MB"),
    ],
)
def test_unreadable_or_oversized_files_are_refused(need, agency, content, message):
    with pytest.raises(workbook.WorkbookError, match=message):
        workbook.workbook_apply(content=content, agency=agency, by=None)


def test_a_zip_bomb_is_refused_before_it_is_inflated(need, agency):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (70 * 1024 * 1024))
    with pytest.raises(workbook.WorkbookError, match="too large"):
        workbook.workbook_apply(content=buffer.getvalue(), agency=agency, by=None)


def test_a_workbook_of_another_agency_or_release_is_refused(need, agency, other_agency):
    content = workbook.workbook_bytes(need)
    with pytest.raises(workbook.WorkbookError, match="not DOE-Y"):
        workbook.workbook_apply(content=content, agency=other_agency, by=None)
    unnamed = edited(content, {"Need": {"B3": None}})
    with pytest.raises(workbook.WorkbookError, match="has no need"):
        workbook.workbook_apply(content=unnamed, agency=other_agency, by=None)


def test_the_commands_export_and_import(need, agency, tmp_path, capsys):
    path = tmp_path / "need.xlsx"
    call_command("export_need_workbook", str(need.pk), str(path))
    path.write_bytes(edited(path.read_bytes(), {"Need": {"B2": None, "B5": "Copy"}}))
    capsys.readouterr()
    call_command("import_need_workbook", str(path), "--agency", "DOE-X")
    new_id = int(capsys.readouterr().out.strip())
    copy = Need.objects.get(pk=new_id)
    assert (copy.title, copy.agency_id) == ("Copy", agency.pk)
    assert len(items_of(copy)) == 7
    with pytest.raises(CommandError, match="No agency"):
        call_command("import_need_workbook", str(path), "--agency", "NOPE")
    path.write_bytes(edited(path.read_bytes(), {"Capabilities": {"D2": "soon"}}))
    with pytest.raises(CommandError, match="Capabilities, row 2, column Priority"):
        call_command("import_need_workbook", str(path), "--agency", "DOE-X")
    with pytest.raises(CommandError, match="No need"):
        call_command("export_need_workbook", "999999", str(path))


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_downloads_and_uploads_the_workbook(
    need, agency_user, broker, other_agency_user, provider_user
):
    url = f"/api/v1/needs/{need.pk}/workbook/"
    response = _client(agency_user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    content = response.content
    assert _client(broker).get(url).status_code == 200
    assert _client(other_agency_user).get(url).status_code == 404
    assert _client(provider_user).get(url).status_code == 403
    changed = edited(content, {"Need": {"B5": "Renamed"}})
    put = _client(agency_user).put(url, changed, content_type=XLSX)
    assert put.status_code == 200, put.content
    assert put.json()["title"] == "Renamed"
    assert _client(broker).put(url, changed, content_type=XLSX).status_code == 403
    assert (
        _client(other_agency_user).put(url, changed, content_type=XLSX).status_code
        == 404
    )
    bad = edited(content, {"Capabilities": {"D2": "urgent"}})
    answer = _client(agency_user).put(url, bad, content_type=XLSX)
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["workbook"] == [
        "Capabilities, row 2, column Priority: “urgent” is not must, should or could."
    ]
    need.refresh_from_db()
    assert need.title == "Renamed"
    wrong_type = _client(agency_user).put(url, b"{}", content_type="application/json")
    assert wrong_type.status_code == 415


def test_the_pages_download_and_upload_the_workbook(
    need, client, agency_user, broker, other_agency_user
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    download = f"/needs/{need.pk}/workbook.xlsx"
    client.force_login(agency_user)
    content = client.get(download).content
    assert load_workbook(io.BytesIO(content)).sheetnames[1] == "Need"
    upload = f"/needs/{need.pk}/workbook/"
    bad = edited(content, {"Pre-built reports": {"D2": "maybe"}})
    page = client.post(upload, {"file": SimpleUploadedFile("need.xlsx", bad)})
    assert page.status_code == 200
    assert "Pre-built reports, row 2, column Priority" in page.content.decode()
    good = edited(content, {"Need": {"B5": "From the page"}})
    page = client.post(upload, {"file": SimpleUploadedFile("need.xlsx", good)})
    assert page.status_code == 302
    need.refresh_from_db()
    assert need.title == "From the page"
    new = edited(content, {"Need": {"B2": None}})
    page = client.post(
        "/needs/new/workbook/", {"file": SimpleUploadedFile("need.xlsx", new)}
    )
    assert page.status_code == 302
    assert Need.objects.filter(agency=need.agency).count() == 2
    client.force_login(broker)
    assert client.get(download).status_code == 200
    assert client.get(upload).status_code == 403
    client.force_login(other_agency_user)
    assert client.get(download).status_code == 404
    assert client.get(upload).status_code == 404
