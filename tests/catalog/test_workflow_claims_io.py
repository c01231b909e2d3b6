"""Claims spreadsheets: the template, export, import with per-row errors, and a round
trip that changes nothing."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog.claims_io import (
    COLUMNS,
    ClaimsImportError,
    claims_export,
    claims_import,
    claims_template,
)
from catalog.models import Claim, ClaimLevel, OfferingStatus
from catalog.workflow import WorkflowError
from tests.catalog.workflow_helpers import (
    draft,
    offering_in,
    pdf_bytes,
    standards_tree,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return standards_tree()


def csv_file(rows, header=COLUMNS, name="claims.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return upload(name, out.getvalue().encode(), "text/csv")


def read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def claims_snapshot(offering):
    return sorted(
        Claim.objects.filter(offering=offering).values_list(
            "capability__code",
            "level",
            "roadmap_date",
            "evidence",
            "evidence_url",
            "verified",
            "updated_at",
        )
    )


def test_template_lists_every_capability_of_the_release(tree):
    release, capabilities = tree
    content, content_type, filename = claims_template(
        release=release, file_format="csv"
    )
    rows = read_csv(content)
    assert [row["capability_id"] for row in rows] == [c.code for c in capabilities]
    assert {row["level"] for row in rows} == {""}
    assert content_type.startswith("text/csv")
    assert filename == f"claims-template-{release}.csv"
    xlsx, xlsx_type, xlsx_name = claims_template(release=release, file_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Claims"]
    assert [cell.value for cell in sheet[1]] == COLUMNS
    assert sheet.max_row == len(capabilities) + 1
    assert xlsx_name.endswith(".xlsx")


def test_import_writes_claims(provider, provider_user, tree):
    release, capabilities = tree
    offering = draft(provider, release)
    changed = claims_import(
        offering=offering,
        by=provider_user,
        upload=csv_file(
            [
                [capabilities[0].code, "", "", "", "meets", "", "Out of the box", ""],
                [
                    capabilities[1].code,
                    "",
                    "",
                    "",
                    "Roadmap",
                    "2027-06-30",
                    "",
                    "https://example.com/roadmap",
                ],
                [capabilities[2].code, "", "", "", "", "", "", ""],
            ]
        ),
    )
    assert changed == 2
    claims = {c.capability_id: c for c in offering.claims.all()}
    assert claims[capabilities[0].pk].evidence == "Out of the box"
    assert claims[capabilities[1].pk].level == ClaimLevel.ROADMAP
    assert claims[capabilities[1].pk].roadmap_date == datetime.date(2027, 6, 30)


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_written(
    provider, provider_user, tree
):
    release, capabilities = tree
    offering = draft(provider, release, capabilities[:1])
    before = claims_snapshot(offering)
    bad = csv_file(
        [
            [capabilities[1].code, "", "", "", "meets", "", "", ""],  # row 2: good
            ["FFM.999.999.999", "", "", "", "meets", "", "", ""],  # row 3
            [capabilities[2].code, "", "", "", "brilliant", "", "", ""],  # row 4
            [capabilities[3].code, "", "", "", "roadmap", "", "", ""],  # row 5
            [capabilities[1].code, "", "", "", "meets", "", "", ""],  # row 6
            [capabilities[4].code, "", "", "", "roadmap", "soon", "", ""],  # row 7
        ]
    )
    with pytest.raises(ClaimsImportError) as raised:
        claims_import(offering=offering, by=provider_user, upload=bad)
    messages = [str(error) for error in raised.value.errors]
    assert [error.row for error in raised.value.errors] == [3, 4, 5, 6, 7]
    assert "unknown capability ID “FFM.999.999.999”" in messages[0]
    assert "unknown level “brilliant”" in messages[1]
    assert "a roadmap claim needs a roadmap_date" in messages[2]
    assert "appears again (first on row 2)" in messages[3]
    assert "“soon” is not a date" in messages[4]
    assert claims_snapshot(offering) == before


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(provider, provider_user, tree, file_format):
    release, capabilities = tree
    offering = draft(provider, release)
    claims_import(
        offering=offering,
        by=provider_user,
        upload=csv_file(
            [
                [
                    capabilities[0].code,
                    "",
                    "",
                    "",
                    "meets",
                    "",
                    "Line one\nline two",
                    "",
                ],
                [
                    capabilities[1].code,
                    "",
                    "",
                    "",
                    "roadmap",
                    "2027-06-30",
                    "=SUM(A1)",
                    "https://example.com/a",
                ],
                [capabilities[2].code, "", "", "", "does-not-meet", "", "", ""],
            ]
        ),
    )
    before = claims_snapshot(offering)
    history_before = Claim.history.filter(offering_id=offering.pk).count()
    content, _, filename = claims_export(offering=offering, file_format=file_format)
    changed = claims_import(
        offering=offering, by=provider_user, upload=upload(filename, content)
    )
    assert changed == 0
    assert claims_snapshot(offering) == before
    assert Claim.history.filter(offering_id=offering.pk).count() == history_before


def test_xlsx_import_reads_dates_and_levels(provider, provider_user, tree):
    release, capabilities = tree
    offering = draft(provider, release)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Claims"
    sheet.append(COLUMNS)
    sheet.append(
        [capabilities[0].code, None, None, None, "roadmap", datetime.date(2028, 1, 2)]
    )
    out = io.BytesIO()
    workbook.save(out)
    claims_import(
        offering=offering,
        by=provider_user,
        upload=upload("claims.xlsx", out.getvalue()),
    )
    assert offering.claims.get().roadmap_date == datetime.date(2028, 1, 2)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("claims.xlsx", b"capability_id,level\n", "is not an Excel workbook"),
        ("claims.csv", pdf_bytes(), "is named .csv but is a pdf file"),
        ("claims.pdf", pdf_bytes(), "as a .csv or .xlsx file"),
        ("claims.csv", b"a,b\n", "missing column(s): capability_id, level"),
        ("claims.csv", "caf\xe9".encode("latin-1"), "is not UTF-8 text"),
        ("claims.csv", b"", "The file is empty."),
    ],
)
def test_unreadable_files_get_a_clear_message(
    provider, provider_user, tree, name, content, message
):
    release, _ = tree
    offering = draft(provider, release)
    with pytest.raises(ValidationError) as raised:
        claims_import(offering=offering, by=provider_user, upload=upload(name, content))
    assert message in " ".join(raised.value.messages)
    assert not offering.claims.exists()


def test_import_is_refused_while_submitted(provider, provider_user, tree):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    with pytest.raises(WorkflowError):
        claims_import(
            offering=offering,
            by=provider_user,
            upload=csv_file([[capabilities[0].code, "", "", "", "", "", "", ""]]),
        )
    assert offering.claims.count() == len(capabilities)


def test_import_page_lists_the_bad_rows(client_for, provider, provider_user, tree):
    release, capabilities = tree
    offering = draft(provider, release)
    client = client_for(provider_user)
    response = client.post(
        reverse("provider:claims-import", args=[offering.pk]),
        {"file": csv_file([["NOPE", "", "", "", "meets", "", "", ""]])},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 2: unknown capability ID “NOPE”" in page
    assert "nothing was imported" in page
    assert not offering.claims.exists()
    good = client.post(
        reverse("provider:claims-import", args=[offering.pk]),
        {"file": csv_file([[capabilities[0].code, "", "", "", "meets", "", "", ""]])},
    )
    assert good.status_code == 302
    assert offering.claims.count() == 1


def test_export_view_downloads_the_offerings_claims(
    client_for, provider, provider_user, tree
):
    release, capabilities = tree
    offering = draft(provider, release, capabilities[:1])
    response = client_for(provider_user).get(
        reverse("provider:claims-export", args=[offering.pk]) + "?format=csv"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response.content)
    assert rows[0]["level"] == "meets"
    assert len(rows) == len(capabilities)


def test_a_claims_file_over_the_limit_is_refused_on_the_page(
    client_for, provider, provider_user, tree
):
    from catalog.claims_io import MAX_UPLOAD_BYTES

    release, capabilities = tree
    offering = draft(provider, release, capabilities[:1])
    before = claims_snapshot(offering)
    header = ",".join(COLUMNS).encode() + b"\n"
    big = header + b"x" * (MAX_UPLOAD_BYTES + 1)
    response = client_for(provider_user).post(
        reverse("provider:claims-import", args=[offering.pk]),
        {"file": upload("claims.csv", big)},
    )
    assert response.status_code == 400
    assert "is larger than 5 MB" in response.content.decode()
    assert claims_snapshot(offering) == before


def test_the_import_page_reports_every_kind_of_bad_row_and_writes_nothing(
    client_for, provider, provider_user, tree
):
    release, capabilities = tree
    offering = draft(provider, release, capabilities[:1])
    before = claims_snapshot(offering)
    response = client_for(provider_user).post(
        reverse("provider:claims-import", args=[offering.pk]),
        {
            "file": csv_file(
                [
                    [capabilities[1].code, "", "", "", "meets", "", "", ""],
                    ["FFM.999.999.999", "", "", "", "meets", "", "", ""],
                    [capabilities[2].code, "", "", "", "brilliant", "", "", ""],
                    [capabilities[3].code, "", "", "", "roadmap", "", "", ""],
                    [capabilities[1].code, "", "", "", "meets", "", "", ""],
                ]
            )
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 3: unknown capability ID “FFM.999.999.999”" in page
    assert "Row 4: unknown level “brilliant”" in page
    assert "Row 5: a roadmap claim needs a roadmap_date" in page
    assert "Row 6:" in page and "appears again (first on row 2)" in page
    assert claims_snapshot(offering) == before
