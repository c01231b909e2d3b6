"""Issue #16's acceptance: Treasury's six FY2025 workbooks read with openpyxl here,
independently of the importer, row by row and column by column against the database.

Every column of a list sheet that has content in any row must be mapped to a field
below; a new column in a later workbook fails the test instead of being dropped.
"""

import re

import pytest
from openpyxl import load_workbook

from standards.models import (
    Activity,
    Capability,
    ChangeLogEntry,
    DataElement,
    Exchange,
    ExchangeSpecification,
    ExchangeSystem,
    Function,
    Reference,
    Report,
    ServiceMeasure,
)
from tests.standards.workbooks import SHARED_FY2025

pytestmark = pytest.mark.django_db


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).rstrip()


def squash(value) -> str:
    return re.sub(r"\s+", "", cell(value))


def sheet_rows(file_name: str, sheet: str, first_header: str):
    """(header texts, data rows) of a list sheet, found by its first header."""
    book = load_workbook(SHARED_FY2025 / file_name, read_only=True)
    rows = [tuple(r) for r in book[sheet].iter_rows(values_only=True)]
    book.close()
    start = next(i for i, r in enumerate(rows) if r and cell(r[0]) == first_header)
    header = [" ".join(cell(h).split()) for h in rows[start]]
    data = [r for r in rows[start + 1 :] if any(cell(v) for v in r)]
    return header, data


def check_columns(header, data, mapping):
    """Every column with content in some row is mapped (to a field or a check)."""
    used = {
        header[i]
        for r in data
        for i, v in enumerate(r)
        if i < len(header) and cell(v).strip()
    }
    assert used <= set(mapping), used - set(mapping)


FUNCTIONS = {
    "Function ID": None,
    "Function Name": None,
    "Activity ID": "code",
    "Activity Name": "name",
    "Activity Description": "description",
    "Authoritative and Other References": "references",
}


def test_functions_and_activities_match_the_workbook(fy2025):
    header, data = sheet_rows(
        "functions_and_activities_2025.xlsx", "Function-Activity List", "Function ID"
    )
    check_columns(header, data, FUNCTIONS)
    data = [r for r in data if cell(r[2])]  # the "FFM.050 [Retired]" line
    assert len(data) == 51
    assert Function.objects.filter(release=fy2025).count() == 10
    for r in data:
        activity = Activity.objects.select_related("function").get(
            release=fy2025, code=squash(r[2])
        )
        assert activity.function.code == squash(r[0])
        assert " ".join(activity.function.name.split()) == " ".join(cell(r[1]).split())
        for i, name in enumerate(header):
            if FUNCTIONS[name]:
                assert getattr(activity, FUNCTIONS[name]) == (
                    squash(r[i]) if name == "Activity ID" else cell(r[i])
                ), (activity.code, name)


CAPABILITIES = {
    "Function ID and Name": None,
    "Activity ID and Name": None,
    "Capability ID": "code",
    "I-Input P-Process O-Output": "kind",
    "Business Capability Statement [Federal Financial Management System Requirement "
    "(FFMSR)]": "statement",
    "Authoritative Reference": "authoritative_references",
    "Other Reference": "other_references",
    "FFMSR Goal Group ID": "goal_group_id",
    "FFMSR Goal Group Name": "goal_group_name",
    "FFMSR ID": "ffmsr_id",
}


def test_capabilities_match_the_workbook(fy2025):
    header, data = sheet_rows(
        "business_capabilities_2025.xlsx",
        "Business Capability List",
        "Function ID and Name",
    )
    check_columns(header, data, CAPABILITIES)
    assert len(data) == 89 == Capability.objects.filter(release=fy2025).count()
    for r in data:
        capability = Capability.objects.select_related("activity", "function").get(
            release=fy2025, code=squash(r[2])
        )
        assert capability.function.code == cell(r[0]).split()[0]
        assert capability.activity.code == cell(r[1]).split()[0]
        for i, name in enumerate(header):
            if CAPABILITIES.get(name) and name != "Capability ID":
                assert getattr(capability, CAPABILITIES[name]) == cell(r[i]), (
                    capability.code,
                    name,
                )


MEASURES = {
    "Functional Area": "functional_area",
    "Function": None,
    "Activity": None,
    "Service Measure ID": "code",
    "Service Measure Name": "name",
    "Service Measure Description": "description",
    "Service Measure Target": "target",
    "Service Measure Rationale": "rationale",
    "Service Measure Category": "category",
    "Service Level Type": "level_type",
    "Service Measure Type": "measure_type",
    "Performing Organization": "performing_organization",
    "Reporting Organization": "reporting_organization",
    "Accountable Organization": "accountable_organization",
    "Service Measurement Frequency": "frequency",
    "Service Measurement Method": "method",
    "Service Measurement Reporting Level": "reporting_level",
    "Service Measurement Source": "source",
    "Service Measurement Source Detail": "source_detail",
    "Service Measurement Formula": "formula",
}


def test_service_measures_match_the_workbook_targets_included(fy2025):
    header, data = sheet_rows(
        "service_measures_2025.xlsx", "FFM Service Measures", "Functional Area"
    )
    check_columns(header, data, MEASURES)
    assert len(data) == 100 == ServiceMeasure.objects.filter(release=fy2025).count()
    for r in data:
        measure = ServiceMeasure.objects.get(
            release=fy2025, code=squash(r[3]), name=cell(r[4])
        )
        assert measure.function_code == cell(r[1]).split()[0]
        assert measure.activity_code == cell(r[2]).split()[0]
        for i, name in enumerate(header):
            if MEASURES.get(name) and name != "Service Measure ID":
                assert getattr(measure, MEASURES[name]) == cell(r[i]), (
                    measure.code,
                    name,
                )
    hundred = ServiceMeasure.objects.filter(release=fy2025, target="=100%")
    assert hundred.count() == 9
    assert hundred.filter(code="FFM.110.010.0011").exists()


ELEMENTS = {
    "Functional Area": "functional_area",
    "Functional Area Steward": "steward",
    "Data Element Label": "label",
    "Definition": "definition",
    "Activity Reference": "activity_references",
    "Business Capability Reference": "capability_references",
    "Authoritative and Other Reference(s)": "references",
    "Data Group Name": "data_group",
    "Business Information Exchange (BIE)": "exchanges",
    "Core FS Pre-Built Business Report Data Element": "reports",
    "Data Type": "data_type",
    "Element Format": "element_format",
    "Min Length": "min_length",
    "Max Length": "max_length",
    "Example Value": "example_value",
    "Domain Values": "domain_values",
    "Core FS Pre-Loaded Master Reference Data": "master_reference_data",
    "Validations": "validations",
    "Related Data Element Reference(s)": "related_elements",
}


def test_data_elements_match_the_workbook_line_breaks_kept(fy2025):
    header, data = sheet_rows(
        "business_data_elements_2025.xlsx",
        "Business Data Element List",
        "Functional Area",
    )
    check_columns(header, data, ELEMENTS)
    assert len(data) == 738 == DataElement.objects.filter(release=fy2025).count()
    elements = {e.label: e for e in DataElement.objects.filter(release=fy2025)}
    for r in data:
        element = elements[cell(r[2]).strip()]
        for i, name in enumerate(header):
            if name in ELEMENTS and name != "Data Element Label":
                assert getattr(element, ELEMENTS[name]) == cell(r[i]), (
                    element.label,
                    name,
                )
    # One-per-line lists stay one per line.
    assert any("\n" in e.data_group for e in elements.values())


def test_the_reference_index_is_linked_and_typed(fy2025):
    header, data = sheet_rows(
        "business_capabilities_2025.xlsx", "Auth and Other References", "Reference ID"
    )
    data = [r for r in data if cell(r[0])]
    assert len(data) == 155 == Reference.objects.filter(release=fy2025).count()
    for r in data:
        reference = Reference.objects.get(release=fy2025, code=cell(r[0]))
        assert reference.name == cell(r[1])
        assert reference.reference_type == cell(r[2])
    references = Reference.objects.filter(release=fy2025)
    assert references.filter(retired=True).count() == 14
    assert references.filter(kind="authoritative").count() == 116
    assert references.filter(kind="other").count() == 7
    assert references.filter(kind="data_standard").count() == 18
    assert "Requires government access permission" in fy2025.reference_notes
    capability = Capability.objects.get(release=fy2025, code="FFM.010.010.011")
    assert "(19)" in set(capability.reference_links.values_list("code", flat=True))
    assert Reference.objects.get(release=fy2025, code="(135)").service_measures.exists()
    assert DataElement.objects.filter(
        release=fy2025, reference_links__isnull=False
    ).exists()


EXCHANGES = {
    "Centralized Service / Functional Area": "area",
    "System Exchanging Information with Core FS Baseline Solution": "name",
    "System Description": "description",
    "System Information URL": "url",
    "System Manager": "manager",
    "BIE Required / Conditionally Required / Future Requirement": "requirement",
    "Core FS Incoming/Outgoing Information": "information",
    "BIE Specification": "specification",
    "FFM Function": "functions",
    "FFM Activity": "activities",
    "FFM Business Use Case": "use_cases",
}


def test_exchanges_match_the_workbook(fy2025):
    header, data = sheet_rows(
        "business_information_exchanges_2025.xlsx",
        "Core FS Pre-Built BIE List",
        "Centralized Service / Functional Area",
    )
    check_columns(header, data, EXCHANGES)
    systems = list(ExchangeSystem.objects.filter(release=fy2025))
    exchanges = list(Exchange.objects.filter(release=fy2025).select_related("system"))
    assert len(systems) == 33 and len(exchanges) == 36
    column = {field: header.index(name) for name, field in EXCHANGES.items()}
    expected_systems = [r for r in data if cell(r[column["name"]])]
    assert [s.name for s in systems] == [cell(r[1]) for r in expected_systems]
    for system, r in zip(systems, expected_systems, strict=True):
        for field in ("area", "description", "url", "manager"):
            assert getattr(system, field) == cell(r[column[field]])
    rows, current = [], None
    for r in data:
        current = cell(r[1]) or current
        if any(cell(r[column[f]]) for f in ("information", "specification")):
            rows.append((current, r))
    assert len(rows) == 36
    # Excel shows a merged cell's value over every row of the range: read the
    # ranges with openpyxl's full reader and expect that value on each exchange.
    book = load_workbook(SHARED_FY2025 / "business_information_exchanges_2025.xlsx")
    sheet = book["Core FS Pre-Built BIE List"]
    merged = {}
    for cells in sheet.merged_cells.ranges:
        top = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, cells.max_row + 1):
            for col in range(cells.min_col, cells.max_col + 1):
                merged[(cell(sheet.cell(row, 7).value), col)] = cell(top)
    book.close()
    filled = 0
    for exchange, (system, r) in zip(exchanges, rows, strict=True):
        assert exchange.system.name == system
        for field in ("requirement", "specification", "functions", "activities"):
            value = cell(r[column[field]])
            if not value:
                value = merged.get((exchange.information, column[field] + 1), "")
                filled += bool(value)
            assert getattr(exchange, field) == value, (exchange.information, field)
        assert exchange.information == cell(r[column["information"]])
    assert filled >= 10  # CARS, G-Invoicing, IPP, PAM, PACER, SPS rows
    gtas = next(e for e in exchanges if e.specification == "FFM-GTAS BIE")
    assert gtas.specification_tab.data_elements.filter(
        label="AllocationTransferAgencyIdentifier"
    ).exists()


def tab_rows(book, sheet: str, marker: str) -> list[list[str]]:
    rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    start = next(
        i
        for i, r in enumerate(rows)
        if any(" ".join(cell(v).split()).startswith(marker) for v in r)
    )
    return [[cell(v) for v in r] for r in rows[start + 1 :] if any(cell(v) for v in r)]


def trimmed(row: list[str]) -> list[str]:
    while row and not row[-1]:
        row = row[:-1]
    return row


def test_specification_tabs_match_the_workbook(fy2025):
    book = load_workbook(
        SHARED_FY2025 / "business_information_exchanges_2025.xlsx", read_only=True
    )
    specifications = ExchangeSpecification.objects.filter(release=fy2025)
    assert specifications.count() == 8
    for spec in specifications:
        marker = "Field Name" if spec.name == "FFM-GTAS BIE" else "FIBF FFM: Data"
        expected = tab_rows(book, spec.name, marker)
        assert [trimmed(r) for r in spec.rows] == [trimmed(r) for r in expected]
        assert spec.data_elements.exists()
    book.close()


def test_reports_and_their_tabs_match_the_workbook(fy2025):
    header, data = sheet_rows(
        "pre_built_business_reports_release_2025.xlsx",
        "Core FS Pre-Built Reports List",
        "FFM Function",
    )
    reports = list(Report.objects.filter(release=fy2025))
    assert len(reports) == 15 == len(data)
    book = load_workbook(
        SHARED_FY2025 / "pre_built_business_reports_release_2025.xlsx", read_only=True
    )
    for report, r in zip(reports, data, strict=True):
        assert [
            report.function,
            report.activity,
            report.name,
            report.description,
            report.specification,
            report.use_cases,
        ] == [cell(v) for v in r[:6]]
        if report.specification.startswith("Workbook tab: "):
            tab = report.specification.removeprefix("Workbook tab: ")
            expected = tab_rows(book, tab, "Report Item")
            assert [trimmed(x) for x in report.rows] == [trimmed(x) for x in expected]
            assert report.data_elements.exists()
    book.close()
    funding = Report.objects.get(release=fy2025, name="Status of Funding")
    assert funding.selection_parameters.startswith("* Accounting Period")
    assert funding.data_elements.filter(label="AgencyIdentifier").exists()


def test_every_change_log_is_kept(fy2025):
    entries = ChangeLogEntry.objects.filter(release=fy2025)
    books = {
        "functions_and_activities": "functions_and_activities_2025.xlsx",
        "business_capabilities": "business_capabilities_2025.xlsx",
        "service_measures": "service_measures_2025.xlsx",
        "business_data_elements": "business_data_elements_2025.xlsx",
        "business_information_exchanges": "business_information_exchanges_2025.xlsx",
        "pre_built_business_reports": "pre_built_business_reports_release_2025.xlsx",
    }
    for workbook, file_name in books.items():
        book = load_workbook(SHARED_FY2025 / file_name, read_only=True)
        rows = [list(r) for r in book["Change Log"].iter_rows(values_only=True)]
        book.close()
        start = next(
            i
            for i, r in enumerate(rows)
            if any(cell(v).startswith("Item Changed") for v in r)
        )
        items = [r for r in rows[start + 1 :] if any(cell(v).strip() for v in r)]
        stored = entries.filter(workbook=workbook, section="item")
        assert stored.count() == len(items), workbook
        summaries = {cell(v) for r in items for v in r}
        assert set(stored.values_list("summary", flat=True)) <= summaries
    assert entries.filter(section="general").count() == 5
