"""Uploads of spreadsheets through the pages: bombs, damaged workbooks and huge error
lists are refused with 400 quickly; the claims export is escaped and reads back."""

import csv
import io
import time

import pytest
from django.test import Client
from django.urls import reverse

from catalog.claims_io import COLUMNS, claims_export, claims_import
from catalog.models import Claim
from tests.catalog.workflow_helpers import draft, standards_tree, upload
from tests.spreadsheet_bombs import one_cell_rows, workbook_with_sheet

pytestmark = pytest.mark.django_db

RISKY = ['=HYPERLINK("http://evil")', "+1 agency", "-2", "@SUM(A1)", "'quoted"]


@pytest.fixture(scope="module")
def bombs():
    return {
        "540MB": one_cell_rows(20_000_000),  # ≈1.2 MB on the wire
        "200k-rows": one_cell_rows(200_000, chunk=10_000),  # ≈18 KB on the wire
    }


@pytest.fixture
def endpoints(agency_user, make_need, provider, provider_user):
    """``kind -> (signed-in client, url, snapshot of what the import may change)``."""
    need = make_need(agency_user.agency)
    release, _ = standards_tree()
    offering = draft(provider, release)
    agency, vendor = Client(), Client()
    agency.force_login(agency_user)
    vendor.force_login(provider_user)
    return {
        "priorities": (
            agency,
            reverse("brokering:need-priorities-import", args=[need.pk]),
            lambda: sorted(need.items.values_list("capability_id", "priority")),
        ),
        "claims": (
            vendor,
            reverse("provider:claims-import", args=[offering.pk]),
            lambda: sorted(offering.claims.values_list("capability_id", "level")),
        ),
        "workbook": (
            agency,
            reverse("brokering:need-workbook-upload", args=[need.pk]),
            lambda: sorted(need.items.values_list("capability_id", "priority")),
        ),
    }


@pytest.mark.parametrize("kind", ["priorities", "claims", "workbook"])
@pytest.mark.parametrize("bomb", ["540MB", "200k-rows"])
def test_a_bomb_workbook_is_refused_with_400_without_being_read(
    endpoints, bombs, kind, bomb
):
    client, url, snapshot = endpoints[kind]
    before = snapshot()
    started = time.monotonic()
    response = client.post(url, {"file": upload("bomb.xlsx", bombs[bomb])})
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert "nothing was read" in response.text
    # The refusal is cheap (declared sizes, then a streaming count that stops at the
    # row limit: well under a second idle). The bound tells a refusal from a read
    # (inflating and parsing the bomb takes minutes) and is loose so that a busy
    # machine does not fail it.
    assert elapsed < 10, f"{bomb} took {elapsed:.1f} s"
    assert snapshot() == before


DAMAGED = {
    "truncated": b"<worksheet><sheetData><row><c><v>1</v>",
    "undefined-entity": b"<worksheet><sheetData><row><c t='inlineStr'><is><t>&nope;"
    b"</t></is></c></row></sheetData></worksheet>",
    "amplification": b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;">]>'
    b"<worksheet><sheetData><row><c t='inlineStr'><is><t>&c;</t></is></c></row>"
    b"</sheetData></worksheet>",
}


@pytest.mark.parametrize("kind", ["priorities", "claims", "workbook"])
@pytest.mark.parametrize("damage", sorted(DAMAGED))
def test_a_damaged_workbook_answers_400_with_a_message(endpoints, kind, damage):
    client, url, snapshot = endpoints[kind]
    content = workbook_with_sheet(DAMAGED[damage], head=b"", tail=b"")
    response = client.post(url, {"file": upload("damaged.xlsx", content)})
    assert response.status_code == 400
    assert "nothing was read" in response.text or "damaged" in response.text


@pytest.mark.parametrize("kind", ["priorities", "claims"])
def test_an_error_list_stops_at_fifty_and_says_how_many_more(endpoints, kind):
    client, url, snapshot = endpoints[kind]
    if kind == "priorities":
        lines = ["capability_code,priority"] + [f"NOPE.{n},must" for n in range(90)]
    else:
        lines = [",".join(COLUMNS)] + [f"NOPE.{n},,,,meets,,," for n in range(90)]
    content = ("\n".join(lines) + "\n").encode()
    # 90 rows: within the row limit (capabilities + 100) of both imports.
    response = client.post(url, {"file": upload("bad.csv", content)})
    assert response.status_code == 400
    page = response.text
    assert "NOPE.49" in page and "NOPE.50" not in page
    assert "40 more problems not listed" in page
    assert "90 " in page


def test_the_claims_csv_export_escapes_formulas_and_reads_back(provider, provider_user):
    release, capabilities = standards_tree()
    offering = draft(provider, release)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for capability, value in zip(capabilities, RISKY, strict=False):
        writer.writerow([capability.code, "", "", "", "meets", "", value, ""])
    claims_import(
        offering=offering,
        by=provider_user,
        upload=upload("claims.csv", out.getvalue().encode()),
    )
    stored = dict(offering.claims.values_list("capability__code", "evidence"))
    assert sorted(stored.values()) == sorted(value.lstrip("'") for value in RISKY)
    for file_format in ("csv", "xlsx"):
        content, _, filename = claims_export(offering=offering, file_format=file_format)
        if file_format == "csv":
            rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
            for row in rows:
                assert not row["evidence"].startswith(("=", "+", "-", "@"))
        before = list(Claim.objects.filter(offering=offering).values())
        changed = claims_import(
            offering=offering, by=provider_user, upload=upload(filename, content)
        )
        assert changed == 0
        assert list(Claim.objects.filter(offering=offering).values()) == before
