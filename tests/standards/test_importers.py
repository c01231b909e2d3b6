"""Importing releases: Treasury's FY2025 workbooks, broken workbooks, CSV and JSON."""

import json

import pytest
from openpyxl import load_workbook

from standards.exporters import release_as_csv_zip, release_as_dict
from standards.importers import StandardsFileError, read_path
from standards.models import (
    Activity,
    Capability,
    DataElement,
    Function,
    ServiceMeasure,
    StandardsRelease,
)
from standards.services import ReleaseConflict, release_import
from tests.standards.workbooks import (
    CAPABILITY_HEADERS,
    SHARED_FY2025,
    capability_rows,
    function_rows,
    measure_rows,
    write_workbooks,
)

pytestmark = pytest.mark.django_db


def import_folder(folder, name="FY2030"):
    return release_import(name=name, data=read_path(folder))


def test_the_fy2025_workbooks_give_the_published_counts():
    release, created = import_folder(SHARED_FY2025, "FY2025")
    assert created
    assert release.functions.count() == 10
    assert release.activities.count() == 51
    assert release.capabilities.count() == 89
    assert release.service_measures.count() == 100
    assert release.data_elements.count() == 738
    assert set(release.source_checksums) == {
        "functions_and_activities_2025.xlsx",
        "business_capabilities_2025.xlsx",
        "service_measures_2025.xlsx",
        "business_data_elements_2025.xlsx",
        "business_information_exchanges_2025.xlsx",
        "pre_built_business_reports_release_2025.xlsx",
    }


def test_the_fy2025_counts_match_the_rows_of_the_workbooks_themselves():
    """Count IDs straight from the sheets, independently of the importer."""

    def ids(file_name, sheet, column, header_row):
        rows = load_workbook(SHARED_FY2025 / file_name, read_only=True)[sheet]
        return [
            r[column]
            for r in rows.iter_rows(min_row=header_row + 1, values_only=True)
            if r[column]
        ]

    release, _ = import_folder(SHARED_FY2025, "FY2025")
    measures = ids("service_measures_2025.xlsx", "FFM Service Measures", 3, 5)
    elements = ids(
        "business_data_elements_2025.xlsx", "Business Data Element List", 2, 5
    )
    capabilities = ids(
        "business_capabilities_2025.xlsx", "Business Capability List", 2, 5
    )
    assert release.service_measures.count() == len(measures)
    assert release.data_elements.count() == len(elements)
    assert release.capabilities.count() == len(capabilities)


def test_the_fy2025_quirks_are_cleaned():
    release, _ = import_folder(SHARED_FY2025, "FY2025")
    # The workbook has a line break after this function's name in one row.
    assert Function.objects.get(release=release, code="FFM.020").name == (
        "Financial Asset Information Management"
    )
    assert not Function.objects.filter(release=release, code="FFM.050").exists()
    capability = Capability.objects.get(release=release, code="FFM.010.010.011")
    assert capability.kind == "I"
    assert capability.goal_group_id == "2.1.1"
    assert capability.ffmsr_id == "2.1.1.1"
    assert capability.function.code == "FFM.010"
    assert capability.authoritative_references.startswith("(19) OMB Circular A-11")
    # Text is kept as written: the statement's line breaks and spaces included.
    assert capability.statement == (
        "Provide budgetary resource reporting attributes (for example, Treasury "
        "Account Symbol (TAS) and Business Event Type Code (BETC), expired, and "
        "unexpired) consistent with the budget execution activities as defined in "
        "OMB Circular A-11, the TFM, and FASAB."
    )
    measure = ServiceMeasure.objects.get(release=release, code="FFM.000.000.0011")
    assert measure.target == ">=85%"
    assert measure.category == "QSMO Monitoring"
    assert measure.activity is None
    # Treasury repeats FFM.100.010.0011 for three different measures.
    assert (
        ServiceMeasure.objects.filter(release=release, code="FFM.100.010.0011").count()
        == 3
    )


def test_the_fy2025_misfiled_measure_id_is_kept_with_a_warning():
    data = read_path(SHARED_FY2025)
    assert data.warnings == [
        "service_measures_2025.xlsx, sheet 'FFM Service Measures', row 88, "
        "column 'D (Service Measure ID)': Service Measure ID FFM.060.040.0012 does "
        "not start with its activity FFM.090.040; kept under FFM.090.040"
    ]


def test_importing_the_same_files_again_changes_nothing(tmp_path):
    folder = write_workbooks(tmp_path / "wb")
    release, created = import_folder(folder)
    assert created
    before = (Capability.objects.count(), StandardsRelease.objects.count())
    updated_at = release.updated_at
    again, created_again = import_folder(folder)
    assert (again.pk, created_again) == (release.pk, False)
    assert (Capability.objects.count(), StandardsRelease.objects.count()) == before
    again.refresh_from_db()
    assert again.updated_at == updated_at


def test_other_content_under_an_existing_release_name_is_refused(tmp_path):
    import_folder(write_workbooks(tmp_path / "one"))
    rows = capability_rows()
    rows[0][4] = "A different statement."
    with pytest.raises(ReleaseConflict) as error:
        import_folder(write_workbooks(tmp_path / "two", capabilities=rows))
    assert str(error.value) == (
        "Release FY2030 already exists with different content; "
        "import the new files under a new release name."
    )
    assert Capability.objects.get(code="FFM.010.010.011").statement == (
        "Record the budget attributes."
    )


def test_a_small_workbook_set_imports_cleanly(tmp_path):
    release, _ = import_folder(write_workbooks(tmp_path))
    assert list(release.functions.values_list("code", "name")) == [
        ("FFM.010", "Budget Execution"),
        # Text as written: a line break inside a cell is kept (issue #16).
        ("FFM.020", "Asset\nManagement"),
    ]
    assert Activity.objects.get(code="FFM.010.010").name == "Budget Setup"
    assert Capability.objects.get(code="FFM.020.010.011").kind == "O"
    assert release.service_measures.count() == 2
    assert release.data_elements.count() == 2


def _nothing_written():
    return not (
        StandardsRelease.objects.exists()
        or Function.objects.exists()
        or Activity.objects.exists()
        or Capability.objects.exists()
        or ServiceMeasure.objects.exists()
        or DataElement.objects.exists()
    )


def _broken_capability(index, value):
    rows = capability_rows()
    rows[2][index] = value
    return {"capabilities": rows}


BROKEN = {
    "missing sheet": (
        {"sheets": {"capabilities": "Capabilities"}},
        "business_capabilities_2025.xlsx: sheet 'Business Capability List' is "
        "missing (found: Cover, Capabilities)",
    ),
    "missing column": (
        {
            "headers": {
                "capabilities": [
                    h for h in CAPABILITY_HEADERS if h != "FFMSR Goal Group Name"
                ]
            }
        },
        "business_capabilities_2025.xlsx, sheet 'Business Capability List', row 5, "
        "column 'FFMSR Goal Group Name': column 'FFMSR Goal Group Name' is missing "
        "from the header row",
    ),
    "duplicate capability ID": (
        _broken_capability(2, "FFM.010.010.011"),
        "business_capabilities_2025.xlsx, sheet 'Business Capability List', row 8, "
        "column 'C (Capability ID)': duplicate Capability ID FFM.010.010.011 "
        "(first in row 6)",
    ),
    "capability outside its activity": (
        _broken_capability(2, "FFM.020.020.011"),
        "business_capabilities_2025.xlsx, sheet 'Business Capability List', row 8, "
        "column 'C (Capability ID)': Capability ID FFM.020.020.011 does not sit "
        "under its function FFM.020 and activity FFM.020.010",
    ),
    "activity of another function": (
        _broken_capability(0, "FFM.010 Budget Execution"),
        "business_capabilities_2025.xlsx, sheet 'Business Capability List', row 8, "
        "column 'A (Function ID and Name)': activity FFM.020.010 does not belong to "
        "function 'FFM.010'",
    ),
    "empty statement": (
        _broken_capability(4, " \xa0 "),
        "business_capabilities_2025.xlsx, sheet 'Business Capability List', row 8, "
        "column 'E (Business Capability Statement [Federal Financial Management "
        "System Requirement (FFMSR)])': the statement of FFM.020.010.011 is empty",
    ),
    "bad kind": (
        _broken_capability(3, "X"),
        "business_capabilities_2025.xlsx, sheet 'Business Capability List', row 8, "
        "column 'D (I-Input P-Process O-Output)': 'X' is not I, P or O",
    ),
    "duplicate activity ID": (
        {"functions": function_rows()[:2] + [function_rows()[1]]},
        "functions_and_activities_2025.xlsx, sheet 'Function-Activity List', row 8, "
        "column 'C (Activity ID)': duplicate Activity ID FFM.010.020 (first in row 7)",
    ),
    "activity outside its function": (
        {
            "functions": [
                *function_rows()[:2],
                ["FFM.020", "Asset Management", "FFM.030.010", "Asset", "", ""],
            ]
        },
        "functions_and_activities_2025.xlsx, sheet 'Function-Activity List', row 8, "
        "column 'C (Activity ID)': Activity ID FFM.030.010 does not sit under "
        "function FFM.020",
    ),
    "value longer than its column": (
        _broken_capability(8, "Goal " * 60),
        "business_capabilities_2025.xlsx, sheet 'Business Capability List', row 8, "
        "column 'I (FFMSR Goal Group Name)': 299 characters, more than the 255 "
        "allowed",
    ),
    "duplicate service measure": (
        {"measures": [*measure_rows(), measure_rows()[1]]},
        "service_measures_2025.xlsx, sheet 'FFM Service Measures', row 8, "
        "column 'D (Service Measure ID)': duplicate service measure FFM.010.010.0011 "
        "'Budget setup timeliness' (first in row 7)",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_workbook_names_file_sheet_row_and_column_and_writes_nothing(
    tmp_path, case
):
    changes, message = BROKEN[case]
    folder = write_workbooks(tmp_path, **changes)
    with pytest.raises(StandardsFileError) as error:
        import_folder(folder)
    assert str(error.value) == message
    assert _nothing_written()


def test_a_missing_workbook_is_named(tmp_path):
    folder = write_workbooks(tmp_path)
    (folder / "service_measures_2025.xlsx").unlink()
    with pytest.raises(StandardsFileError) as error:
        read_path(folder)
    assert str(error.value) == (
        f"{folder}: no workbook matching 'service_measures*.xlsx' "
        "(needed for sheet 'FFM Service Measures')"
    )


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    folder = write_workbooks(tmp_path)
    (folder / "business_capabilities_2025.xlsx").write_text("not a workbook")
    with pytest.raises(StandardsFileError) as error:
        read_path(folder)
    assert str(error.value).startswith(
        "business_capabilities_2025.xlsx: not a readable .xlsx workbook"
    )


def test_json_export_imports_back_to_the_same_content(tmp_path):
    release, _ = import_folder(write_workbooks(tmp_path / "wb"))
    path = tmp_path / "release.json"
    path.write_text(json.dumps(release_as_dict(release)))
    copy, created = release_import(name="FY2031", data=read_path(path))
    assert created
    assert copy.content_digest == release.content_digest
    assert copy.capabilities.count() == 3
    assert copy.service_measures.count() == 2


def test_csv_export_imports_back_to_the_same_content(tmp_path):
    release, _ = import_folder(write_workbooks(tmp_path / "wb"))
    path = tmp_path / "release.csv.zip"
    path.write_bytes(release_as_csv_zip(release))
    copy, _ = release_import(name="FY2031", data=read_path(path))
    assert copy.content_digest == release.content_digest
    fields = ("code", "kind", "statement", "activity__code", "function__code")
    assert list(copy.capabilities.values_list(*fields)) == list(
        release.capabilities.values_list(*fields)
    )


def test_a_bad_csv_row_names_file_row_and_column(tmp_path):
    path = tmp_path / "release.csv"
    path.write_text(
        "function_code,function_name,activity_code,activity_name,code,kind,"
        "statement,authoritative_references,other_references,goal_group_id,"
        "goal_group_name,ffmsr_id\n"
        "FFM.010,Budget,FFM.010.010,Setup,FFM.010.010.011,P,Do it.,,,,,\n"
        "FFM.010,Budget,FFM.010.010,Setup,FFM.010.010.012,P,,,,,,\n"
    )
    with pytest.raises(StandardsFileError) as error:
        release_import(name="FY2031", data=read_path(path))
    assert str(error.value) == (
        "release.csv, row 3, column 'G (statement)': "
        "the statement of FFM.010.010.012 is empty"
    )
    assert _nothing_written()


def test_a_json_file_in_another_format_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"functions": []}')
    with pytest.raises(StandardsFileError) as error:
        read_path(path)
    assert str(error.value) == (
        "other.json: not a standards file: 'format' must be "
        "'fm-marketplace-standards/2'"
    )


def test_a_csv_with_a_bare_carriage_return_is_refused_with_a_message():
    from standards.importers import StandardsFileError, read_csv

    with pytest.raises(StandardsFileError, match=r"^broken\.csv"):
        read_csv("function_code\r,x\n\ra", "broken.csv")
