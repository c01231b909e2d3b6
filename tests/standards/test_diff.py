"""The diff over every kind and field, against Treasury's own workbooks: the same
files again change nothing; a "later year" with one capability added, one removed,
one reworded, an exchange and a report changed lists exactly those; the JSON and CSV
exports import back with an empty diff."""

import json
import shutil

import pytest
from openpyxl import load_workbook

from standards.exporters import release_as_csv_zip, release_as_dict
from standards.importers import read_path
from standards.selectors import release_diff
from standards.services import release_import
from tests.standards.workbooks import SHARED_FY2025

pytestmark = pytest.mark.django_db

NEW_STATEMENT = "Provide budgetary resource reporting attributes, reworded for FY2026."


def _changes(diff) -> dict:
    return {
        k.kind: (
            [c.key for c in k.added],
            [c.key for c in k.removed],
            {c.key: c.fields for c in k.changed},
        )
        for k in diff.kinds
        if k.total
    }


def test_the_same_workbooks_again_change_nothing(fy2025, fy2025_data):
    again, created = release_import(name="FY2025", data=read_path(SHARED_FY2025))
    assert not created and again.pk == fy2025.pk
    assert again.content_digest == fy2025_data.digest()


def _later_year(folder):
    """Copies of the FY2025 workbooks, edited the way a later release would be."""
    folder.mkdir()
    for source in SHARED_FY2025.glob("*.xlsx"):
        shutil.copy(source, folder / source.name.replace("2025", "2026"))
    path = folder / "business_capabilities_2026.xlsx"
    book = load_workbook(path, data_only=True)
    sheet = book["Business Capability List"]
    rows = {row[2].value: row[2].row for row in sheet.iter_rows(min_row=4)}
    sheet.cell(rows["FFM.010.010.011"], 5, NEW_STATEMENT)
    sheet.delete_rows(rows["FFM.010.020.021"])
    sheet.append(
        [
            "FFM.010 Budget Execution",
            "FFM.010.010 Budget Setup and Maintenance",
            "FFM.010.010.014",
            "P",
            "Record a new kind of budget setup information.",
        ]
    )
    book.save(path)
    path = folder / "business_information_exchanges_2026.xlsx"
    book = load_workbook(path, data_only=True)
    sheet = book["Core FS Pre-Built BIE List"]
    smartpay = next(
        r for r in sheet.iter_rows(min_row=6) if r[1].value == "GSA SmartPay"
    )
    smartpay[7].value = "GSA SmartPay charge card file specification"
    book.save(path)
    path = folder / "pre_built_business_reports_release_2026.xlsx"
    book = load_workbook(path, data_only=True)
    sheet = book["Core FS Pre-Built Reports List"]
    trial = next(r for r in sheet.iter_rows(min_row=6) if r[2].value == "Trial Balance")
    trial[3].value = "Provides opening and closing balances, reworded for FY2026."
    book.save(path)
    return folder


def test_a_later_year_lists_exactly_its_changes(tmp_path, fy2025):
    later, created = release_import(
        name="FY2026", data=read_path(_later_year(tmp_path / "fy2026"))
    )
    assert created
    diff = release_diff(fy2025, later)
    assert _changes(diff) == {
        "capabilities": (
            ["FFM.010.010.014"],
            ["FFM.010.020.021"],
            {"FFM.010.010.011": ["statement"]},
        ),
        "exchanges": (
            [],
            [],
            {
                "GSA SmartPay / Incoming: Summary and detail charge card charges "
                "information": ["specification"]
            },
        ),
        "reports": ([], [], {"Trial Balance": ["description"]}),
    }
    change = diff.capabilities.changed[0]
    label, before, after = change.field_changes()[0]
    assert label == "statement"
    assert before.startswith("Provide budgetary resource reporting attributes (for")
    assert after == NEW_STATEMENT


def test_the_diff_page_and_command_show_field_level_before_and_after(
    client, tmp_path, fy2025
):
    from io import StringIO

    from django.core.management import call_command

    release_import(name="FY2026", data=read_path(_later_year(tmp_path / "fy2026")))
    text = client.get("/standards/compare/?old=FY2025&new=FY2026").content.decode()
    assert NEW_STATEMENT in text
    assert "GSA SmartPay charge card file specification" in text
    assert "Trial Balance: description" in text
    out = StringIO()
    call_command("diff_standards", "FY2025", "FY2026", "--fields", stdout=out)
    lines = out.getvalue().splitlines()
    assert "Capabilities: 1 added, 1 removed, 1 changed" in lines
    assert "Pre-built reports: 0 added, 0 removed, 1 changed" in lines
    assert f"        + {NEW_STATEMENT}" in lines
    assert "Data elements: 0 added, 0 removed, 0 changed" in lines


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_exports_import_back_with_an_empty_diff(tmp_path, fy2025, fmt):
    if fmt == "json":
        path = tmp_path / "fy2025.json"
        path.write_text(json.dumps(release_as_dict(fy2025), ensure_ascii=False))
    else:
        path = tmp_path / "fy2025.csv.zip"
        path.write_bytes(release_as_csv_zip(fy2025))
    copy, created = release_import(name="COPY", data=read_path(path))
    assert created
    assert release_diff(fy2025, copy).is_empty
    assert copy.content_digest == fy2025.content_digest
    assert copy.references.filter(retired=True).count() == 14
    assert copy.reports.get(name="Status of Funding").data_elements.exists()


def test_the_oscal_export_validates_with_trestle(fy2025):
    from trestle.oscal.catalog import Catalog

    from standards.oscal import NAMESPACE, release_as_oscal

    document = release_as_oscal(fy2025)
    catalog = Catalog.model_validate(document["catalog"])
    assert len(catalog.back_matter.resources) == 155
    groups = [g for g in catalog.groups if g.class_ == "ffm-function"]
    activities = [a for g in groups for a in g.groups]
    assert len(activities) == 51
    # OSCAL's group is either groups-of-groups or groups-of-controls; an activity
    # without capabilities has neither (never an empty "controls": []).
    controls = [c for a in activities for c in getattr(a, "controls", None) or []]
    assert len(controls) == 89
    assert all(getattr(a, "controls", 1) for a in activities)
    assert '"controls": []' not in json.dumps(document)
    custom = [p for c in controls for p in c.props if p.name != "label"]
    assert custom and all(str(p.ns) == NAMESPACE for p in custom)
    measures = [p for g in catalog.groups for p in g.parts or []] + [
        p for a in activities for p in a.parts or [] if p.name == "service-measure"
    ]
    assert len(measures) == 100
    targets = [p.value for m in measures for p in m.props or [] if p.name == "target"]
    assert targets.count("=100%") == 9
    first = controls[0]
    assert first.links and first.links[0].rel == "reference"


def test_the_demo_release_oscal_export_validates_too():
    from trestle.oscal.catalog import Catalog

    from standards import demo
    from standards.oscal import release_as_oscal

    Catalog.model_validate(release_as_oscal(demo.seed())["catalog"])
