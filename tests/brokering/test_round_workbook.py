"""A response as a workbook file: the need's workbook with answer columns,
downloaded pre-filled, filled offline and uploaded as a draft. Round trip exact;
bad cells named by sheet, row and column with nothing written; hostile files
refused by the one bounded reader; locked after the due date."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from brokering.models import Answer, ResponseStatus
from brokering.rounds import services
from brokering.rounds import workbook as response_workbook
from brokering.workbook import WorkbookError
from catalog.models import ClaimLevel
from tests.brokering.rounds import (
    active_need,
    offering_with_claims,
    open_round,
    pass_due_date,
)
from tests.brokering.test_workbook import edited
from tests.spreadsheet_bombs import workbook_with_sheet

pytestmark = pytest.mark.django_db
CAPABILITIES, AGENCY, RESPONSE = "Capabilities", "Agency requirements", "Response"


@pytest.fixture
def invitation(agency_user, provider):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(
        need, provider, [ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE]
    )
    return open_round(need, agency_user, [offering]).invitations.get()


def answers_of(invitation) -> set[tuple]:
    return set(
        Answer.objects.filter(invitation=invitation).values_list(
            "item_id", "level", "roadmap_date", "comment", "document_id", "evidence_id"
        )
    )


def response_of(invitation) -> tuple:
    invitation.refresh_from_db()
    return (
        invitation.one_time_cost,
        invitation.annual_cost,
        invitation.pricing_basis,
        invitation.assumptions,
        invitation.timeline_months,
        invitation.fits_go_live,
        invitation.customer_references,
        invitation.status,
    )


def sheets_of(content: bytes) -> dict[str, list]:
    book = load_workbook(io.BytesIO(content))
    return {
        title: list(book[title].iter_rows(values_only=True))
        for title in book.sheetnames
    }


def _apply(invitation, user, content):
    return response_workbook.response_workbook_apply(
        invitation=invitation, user=user, content=content
    )


def test_the_workbook_is_the_needs_with_answer_columns_prefilled_and_anonymous(
    invitation, agency_user
):
    sheets = sheets_of(response_workbook.response_workbook_bytes(invitation))
    assert list(sheets) == [
        "Instructions",
        "Need",
        CAPABILITIES,
        "Service measures",
        "Information exchanges",
        "Pre-built reports",
        AGENCY,
        RESPONSE,
    ]
    assert sheets[CAPABILITIES][0] == (
        "ID", "Function", "Statement", "Priority", "Rationale",
        "Level", "Roadmap date", "Comment",
    )  # fmt: skip
    # The need's items only, levels from the catalog claims where there are some.
    assert [row[0] for row in sheets[CAPABILITIES][1:]] == [
        "FFM.010.010.011",
        "FFM.010.010.012",
        "FFM.010.010.013",
    ]
    assert [row[5] for row in sheets[CAPABILITIES][1:]] == [
        "meets",
        "configurable",
        None,
    ]
    assert sheets[AGENCY][1][0] == "AGY-001"
    need_sheet = {row[0]: row[1] for row in sheets["Need"][1:]}
    assert need_sheet["agency"] == "An agency (not named)"
    text = str(sheets)
    assert agency_user.agency.name not in text
    assert agency_user.agency.abbreviation not in text
    assert sheets[RESPONSE][1][:2] == ("request", str(invitation.pk))


def test_a_response_round_trips_exactly(invitation, provider_user):
    items = list(invitation.round.need.items.order_by("id"))
    services.response_save(
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(
            one_time_cost=Decimal("250000.50"),
            annual_cost=Decimal("80000.00"),
            pricing_basis="Per seat",
            assumptions="=Two agencies share the instance.",
            timeline_months=9,
            fits_go_live=False,
            customer_references="Agency A; agency B — 2024",
        ),
        answers={
            items[0].pk: services.AnswerInput(
                level=ClaimLevel.EXTENSION, comment="-5%"
            ),
            items[1].pk: services.AnswerInput(
                level=ClaimLevel.ROADMAP, roadmap_date=datetime.date(2027, 6, 30)
            ),
            items[2].pk: services.AnswerInput(level="", comment="Ask us."),
            items[3].pk: services.AnswerInput(
                level=ClaimLevel.MEETS, comment="'Quoted' and\nmulti-line"
            ),
        },
    )
    before = answers_of(invitation), response_of(invitation)
    content = response_workbook.response_workbook_bytes(invitation)
    _apply(invitation, provider_user, content)
    assert (answers_of(invitation), response_of(invitation)) == before
    again = sheets_of(response_workbook.response_workbook_bytes(invitation))
    assert again == sheets_of(content)


def test_an_upload_saves_the_draft(invitation, provider_user):
    content = response_workbook.response_workbook_bytes(invitation)
    changed = edited(
        content,
        {
            CAPABILITIES: {"F4": "roadmap", "G4": "2027-01-15", "H4": "Next year."},
            AGENCY: {"G2": "Configurable"},
            RESPONSE: {"B3": 120000, "B7": 12, "B8": "yes"},
        },
    )
    _apply(invitation, provider_user, changed)
    invitation.refresh_from_db()
    assert invitation.status == ResponseStatus.DRAFT
    assert invitation.one_time_cost == Decimal("120000.00")
    assert invitation.timeline_months == 12 and invitation.fits_go_live is True
    levels = dict(invitation.answers.values_list("item__code", "level"))
    assert levels["AGY-001"] == "configurable"
    roadmap = invitation.answers.get(level=ClaimLevel.ROADMAP)
    assert roadmap.roadmap_date == datetime.date(2027, 1, 15)
    assert roadmap.comment == "Next year."
    services.response_submit(invitation_id=invitation.pk, user=provider_user)
    assert response_of(invitation)[-1] == ResponseStatus.SUBMITTED


def test_every_bad_cell_is_named_and_nothing_is_written(invitation, provider_user):
    content = response_workbook.response_workbook_bytes(invitation)
    bad = edited(
        content,
        {
            CAPABILITIES: {
                "F2": "superb",
                "F3": "roadmap",
                "G4": "soon",
                "A5": "FFM.9",
            },
            AGENCY: {"A3": "AGY-001", "I2": "x" * 5001},
            RESPONSE: {"B2": "999", "B3": "lots", "B4": -1, "B7": 2.5, "B8": "maybe"},
        },
    )
    with pytest.raises(WorkbookError) as raised:
        _apply(invitation, provider_user, bad)
    assert [str(problem) for problem in raised.value.problems] == [
        "Response, row 2, column Value: the workbook is for request 999.",
        "Response, row 3, column Value: “lots” is not a number.",
        "Response, row 4, column Value: a number from 0 to 100000000000 is needed.",
        "Response, row 7, column Value: a whole number of months is needed.",
        "Response, row 8, column Value: “maybe” is not yes or no.",
        "Capabilities, row 2, column Level: “superb” is not one of meets, "
        "configurable, extension, roadmap, does-not-meet.",
        "Capabilities, row 3, column Roadmap date: a roadmap answer needs its date.",
        "Capabilities, row 4, column Roadmap date: a date YYYY-MM-DD is needed.",
        "Capabilities, row 5, column ID: “FFM.9” is not an item of the need.",
        "Agency requirements, row 2, column Comment: at most 5000 characters.",
        "Agency requirements, row 3, column ID: “AGY-001” is already on row 2.",
    ]
    assert not invitation.answers.exists()
    assert response_of(invitation)[-1] == ResponseStatus.INVITED


def test_a_workbook_without_its_sheets_names_each_missing_one(
    invitation, provider_user
):
    book = load_workbook(
        io.BytesIO(response_workbook.response_workbook_bytes(invitation))
    )
    del book[RESPONSE]
    book[CAPABILITIES]["F1"] = "Answer"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(WorkbookError) as raised:
        _apply(invitation, provider_user, buffer.getvalue())
    assert [str(problem) for problem in raised.value.problems] == [
        "Response, row 0: the sheet is missing.",
        "Capabilities, row 1: missing column(s): Level.",
    ]


def test_a_zip_bomb_is_refused_before_it_is_inflated(invitation, provider_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (70 * 1024 * 1024))
    with pytest.raises(WorkbookError, match="unpacks to more than"):
        _apply(invitation, provider_user, buffer.getvalue())
    assert not invitation.answers.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "not a readable .xlsx"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
        (
            workbook_with_sheet(
                b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet><sheetData><row>'
                b"<c t='inlineStr'><is><t>&a;</t></is></c></row></sheetData>"
                b"</worksheet>",
                head=b"",
                tail=b"",
            ),
            "declares a DTD",
        ),
        (
            workbook_with_sheet(b"<row><c><v>1</v></c></row>" * 20_002),
            "more than 20000 rows",
        ),
    ],
    ids=["not-a-zip", "too-large", "dtd", "too-many-rows"],
)
def test_hostile_or_oversized_files_are_refused_whole(
    invitation, provider_user, content, message
):
    with pytest.raises(WorkbookError, match=message):
        _apply(invitation, provider_user, content)
    assert not invitation.answers.exists()


def test_the_pages_download_and_upload_and_lock_after_the_due_date(
    invitation, client_for, provider_user, other_provider_user
):
    client = client_for(provider_user)
    file_url = reverse("requests:request-workbook-file", args=[invitation.pk])
    page_url = reverse("requests:request-workbook", args=[invitation.pk])
    detail = client.get(reverse("requests:request-detail", args=[invitation.pk]))
    assert page_url in detail.content.decode()
    content = client.get(file_url).content
    bad = edited(content, {CAPABILITIES: {"F2": "maybe"}})
    page = client.post(page_url, {"file": SimpleUploadedFile("r.xlsx", bad)})
    assert page.status_code == 400
    assert "Capabilities, row 2, column Level" in page.content.decode()
    assert not invitation.answers.exists()
    page = client.post(page_url, {"file": SimpleUploadedFile("r.xlsx", content)})
    assert page.status_code == 302
    assert invitation.answers.count() == 4
    other = client_for(other_provider_user)
    assert other.get(file_url).status_code == 404
    assert (
        other.post(
            page_url, {"file": SimpleUploadedFile("r.xlsx", content)}
        ).status_code
        == 404
    )
    pass_due_date(invitation.round)
    changed = edited(content, {CAPABILITIES: {"F2": "extension"}})
    assert "responses are locked" in client.get(page_url).content.decode()
    page = client.post(page_url, {"file": SimpleUploadedFile("r.xlsx", changed)})
    assert page.status_code == 400
    assert "responses are locked" in page.content.decode()
    assert not invitation.answers.filter(level=ClaimLevel.EXTENSION).exists()
