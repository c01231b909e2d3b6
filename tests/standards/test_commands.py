"""``import_standards``, ``diff_standards`` and ``export_standards``."""

import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from standards import demo
from standards.models import Capability, ReleaseStatus, StandardsRelease
from tests.standards.workbooks import SHARED_FY2025, capability_rows, write_workbooks

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_reports_counts_and_is_idempotent():
    first = run("import_standards", str(SHARED_FY2025), "--release", "FY2025")
    assert first.strip() == (
        "Imported FY2025: 10 functions, 51 activities, 89 capabilities, "
        "100 service measures, 738 data elements."
    )
    again = run("import_standards", str(SHARED_FY2025), "--release", "FY2025")
    assert again.strip() == "FY2025 is already imported with this content."
    assert StandardsRelease.objects.get().status == ReleaseStatus.DRAFT


def test_import_can_make_the_release_current():
    demo.seed()
    run("import_standards", str(SHARED_FY2025), "--release", "FY2025", "--make-current")
    assert StandardsRelease.objects.get(name="FY2025").status == ReleaseStatus.CURRENT
    assert (
        StandardsRelease.objects.get(name="FY2025-DEMO").status == ReleaseStatus.RETIRED
    )


def test_import_refuses_a_broken_file_with_its_location(tmp_path):
    rows = capability_rows()
    rows[1][2] = "FFM.010.010.011"
    folder = write_workbooks(tmp_path, capabilities=rows)
    with pytest.raises(CommandError) as error:
        run("import_standards", str(folder), "--release", "FY2030")
    assert str(error.value) == (
        "business_capabilities_2025.xlsx, sheet 'Business Capability List', row 7, "
        "column 'C (Capability ID)': duplicate Capability ID FFM.010.010.011 "
        "(first in row 6)"
    )
    assert not StandardsRelease.objects.exists()


def test_import_refuses_other_content_under_an_existing_name():
    demo.seed()
    with pytest.raises(CommandError, match="already exists with different content"):
        run("import_standards", str(SHARED_FY2025), "--release", "FY2025-DEMO")
    assert Capability.objects.filter(release__name="FY2025-DEMO").count() == 111


def test_diff_command_lists_demo_against_fy2025():
    demo.seed()
    run("import_standards", str(SHARED_FY2025), "--release", "FY2025")
    out = run("diff_standards", "FY2025-DEMO", "FY2025")
    lines = out.splitlines()
    assert lines[0] == "Changes from FY2025-DEMO to FY2025"
    summary = next(line for line in lines if line.startswith("Capabilities:"))
    assert summary == "Capabilities: 28 added, 50 removed, 61 changed"
    assert "  + FFM.010.020.021" in lines
    assert "  - FFM.010.020.013" in lines
    assert any(
        line.startswith("  ~ FFM.010.010.011: ") and "statement" in line
        for line in lines
    )
    assert any(line.startswith("Service measures: ") for line in lines)


def test_diff_command_names_an_unknown_release():
    demo.seed()
    with pytest.raises(CommandError, match="No standards release named FY1999."):
        run("diff_standards", "FY2025-DEMO", "FY1999")


@pytest.mark.parametrize("fmt", ["json", "csv", "oscal"])
def test_export_command_writes_each_format(tmp_path, fmt):
    demo.seed()
    target = tmp_path / f"out.{fmt}"
    run("export_standards", "FY2025-DEMO", "--format", fmt, "--output", str(target))
    if fmt == "csv":
        with zipfile.ZipFile(target) as archive:
            capabilities = archive.read("capabilities.csv").decode().splitlines()
        assert len(capabilities) == 112  # header + 111 demo capabilities
    else:
        document = json.loads(target.read_text())
        key = "catalog" if fmt == "oscal" else "functions"
        assert document[key]


def test_an_exported_json_imports_into_a_new_release(tmp_path):
    release = demo.seed()
    target = tmp_path / "demo.json"
    run("export_standards", release.name, "--output", str(target))
    run("import_standards", str(target), "--release", "COPY")
    copy = StandardsRelease.objects.get(name="COPY")
    assert copy.content_digest == release.content_digest
