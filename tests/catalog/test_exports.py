"""Comparison exports: stable IDs (offering slugs, capability codes) and cells a
spreadsheet would run as formulas written as text."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import ClaimLevel
from marketplace.spreadsheets import escape
from tests.catalog.catalog_world import make_offering, make_release
from tests.catalog.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    release, caps = make_release()
    risky = ProviderFactory(name='=HYPERLINK("http://evil")', slug="risky")
    make_offering(
        release,
        covers=[caps["FFM.090"]],
        name="@SUM(A1:A9)",
        slug="formula-offering",
        provider=risky,
        customer_agencies=["+1 agency", "-2 agency"],
    )
    make_offering(
        release,
        levels={caps["FFM.090"][0]: ClaimLevel.DOES_NOT_MEET},
        name="Plain Ledger",
        slug="plain-ledger",
    )
    return caps


QUERY = {"offering": ["formula-offering", "plain-ledger"]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Plain", "Plain"),
        ("a=b", "a=b"),
        ("'quoted", "''quoted"),
        (None, None),
        (-2, -2),
    ],
)
def test_spreadsheet_safe_escapes_formula_triggers(value, expected):
    assert escape(value) == expected


def test_csv_export_carries_slugs_and_capability_codes(client, pair):
    response = client.get(reverse("catalog:compare-csv"), QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "row",
        "id",
        "function",
        "label",
        "formula-offering",
        "plain-ledger",
    ]
    assert rows[1][4:] == ["'@SUM(A1:A9)", "Plain Ledger"]
    by_id = {row[1]: row for row in rows[2:]}
    assert by_id["provider"][4] == '\'=HYPERLINK("http://evil")'
    assert by_id["customer_agencies"][4] == "'+1 agency; -2 agency"
    capability = by_id["FFM.090.010.011"]
    assert capability[0] == "capability"
    assert capability[2] == "FFM.090 General Ledger Management"
    assert capability[4:] == ["Meets (out of the box)", "Does not meet"]
    assert by_id["FFM.010.010.011"][4:] == ["No claim", "No claim"]


def test_xlsx_export_has_the_same_rows_as_text(client, pair):
    response = client.get(reverse("catalog:compare-xlsx"), QUERY)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("catalog:compare-csv"), QUERY).content.decode()
            )
        )
    )
    assert rows == csv_rows
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} would run as a formula"


def test_only_differences_applies_to_exports(client, pair):
    response = client.get(reverse("catalog:compare-csv"), {**QUERY, "diff": "on"})
    ids = [row[1] for row in csv.reader(io.StringIO(response.content.decode()))]
    assert "FFM.090.010.011" in ids
    assert "FFM.010.010.011" not in ids


def test_an_export_of_a_bad_choice_gets_the_clear_page(client, pair):
    response = client.get(reverse("catalog:compare-csv"), {"offering": "plain-ledger"})
    assert response.status_code == 400
    assert 'id="compare-error"' in response.content.decode()
