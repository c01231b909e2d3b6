"""The standards in the admin: read-only content, status through the service, upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standards.models import Capability, ReleaseStatus, StandardsRelease
from standards.signals import release_made_current
from tests.standards.factories import CapabilityFactory, ReleaseFactory
from tests.standards.test_importers import BROKEN
from tests.standards.workbooks import FILES, capability_rows, write_workbooks

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:standards_standardsrelease_upload")


def _uploads(folder) -> dict:
    fields = {
        "functions": "functions",
        "capabilities": "capabilities",
        "measures": "measures",
        "elements": "data_elements",
    }
    return {
        fields[key]: SimpleUploadedFile(
            file_name,
            (folder / file_name).read_bytes(),
            content_type="application/vnd.openxmlformats-officedocument"
            ".spreadsheetml.sheet",
        )
        for key, (file_name, _) in FILES.items()
    }


def test_a_broker_imports_a_release_by_uploading_the_workbooks(
    client_for, broker, tmp_path
):
    folder = write_workbooks(tmp_path)
    response = client_for(broker).post(UPLOAD, {"name": "FY2030", **_uploads(folder)})
    release = StandardsRelease.objects.get(name="FY2030")
    assert response.status_code == 302
    assert response.url == reverse(
        "admin:standards_standardsrelease_change", args=[release.pk]
    )
    assert release.status == ReleaseStatus.DRAFT
    assert release.capabilities.count() == 3
    assert "business_capabilities_2025.xlsx" in release.source_checksums


def test_a_broken_upload_shows_the_error_at_its_field_and_writes_nothing(
    client_for, broker, tmp_path
):
    rows = capability_rows()
    rows[0][4] = ""
    folder = write_workbooks(tmp_path, capabilities=rows)
    response = client_for(broker).post(UPLOAD, {"name": "FY2030", **_uploads(folder)})
    assert response.status_code == 200
    assert response.context["form"].errors["capabilities"] == [
        "business_capabilities_2025.xlsx, sheet 'Business Capability List', row 6, "
        "column 'E (Business Capability Statement [Federal Financial Management "
        "System Requirement (FFMSR)])': the statement of FFM.010.010.011 is empty"
    ]
    assert not StandardsRelease.objects.exists()


def test_an_upload_that_is_not_a_workbook_is_refused(client_for, broker, tmp_path):
    folder = write_workbooks(tmp_path)
    uploads = _uploads(folder)
    uploads["measures"] = SimpleUploadedFile("service_measures_2025.xlsx", b"hello")
    response = client_for(broker).post(UPLOAD, {"name": "FY2030", **uploads})
    assert response.context["form"].errors["measures"] == [
        "This file is not an .xlsx workbook."
    ]
    assert not StandardsRelease.objects.exists()


def test_other_roles_cannot_upload(client_for, agency_user):
    response = client_for(agency_user).get(UPLOAD)
    assert response.status_code == 302
    assert "/admin/login/" in response.url


CHANGELIST = reverse("admin:standards_standardsrelease_changelist")


def test_making_a_release_current_goes_through_the_service(client_for, broker):
    old = ReleaseFactory(name="FY2024", status=ReleaseStatus.CURRENT)
    new = ReleaseFactory(name="FY2025", status=ReleaseStatus.DRAFT)
    seen = []

    def receiver(sender, release_id, previous_id, **kwargs):
        seen.append((release_id, previous_id))

    release_made_current.connect(receiver, dispatch_uid="test-admin-status")
    try:
        response = client_for(broker).post(
            CHANGELIST,
            {"action": "make_current", "_selected_action": [new.pk]},
            follow=True,
        )
    finally:
        release_made_current.disconnect(dispatch_uid="test-admin-status")
    assert "FY2025 is now current" in response.content.decode()
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (ReleaseStatus.RETIRED, ReleaseStatus.CURRENT)
    assert seen == [(new.pk, old.pk)]
    assert new.history.first().history_user == broker


def test_the_current_release_cannot_be_retired_from_the_admin(client_for, broker):
    release = ReleaseFactory(name="FY2025", status=ReleaseStatus.CURRENT)
    response = client_for(broker).post(
        CHANGELIST, {"action": "retire", "_selected_action": [release.pk]}, follow=True
    )
    assert (
        "Release FY2025 is current: make another release current instead of "
        "retiring it." in response.content.decode()
    )
    release.refresh_from_db()
    assert release.status == ReleaseStatus.CURRENT


def test_the_release_form_itself_changes_nothing(client_for, broker):
    release = ReleaseFactory(name="FY2025", status=ReleaseStatus.DRAFT)
    response = client_for(broker).post(
        reverse("admin:standards_standardsrelease_change", args=[release.pk]),
        {"status": "current", "name": "HACKED"},
    )
    assert response.status_code == 403
    release.refresh_from_db()
    assert (release.name, release.status) == ("FY2025", ReleaseStatus.DRAFT)


def test_release_contents_are_read_only_in_the_admin(client_for, broker):
    capability = CapabilityFactory()
    client = client_for(broker)
    change = reverse("admin:standards_capability_change", args=[capability.pk])
    response = client.post(change, {"statement": "Changed."})
    assert response.status_code == 403
    capability.refresh_from_db()
    assert capability.statement != "Changed."
    assert client.get(change).status_code == 200
    delete = reverse("admin:standards_capability_delete", args=[capability.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Capability.objects.filter(pk=capability.pk).exists()


@pytest.mark.parametrize(
    "model",
    ["standardsrelease", "function", "activity", "capability", "servicemeasure"],
)
@pytest.mark.parametrize("count", [1, 8])
def test_changelists_use_a_fixed_number_of_queries(
    client_for, broker, django_assert_max_num_queries, model, count
):
    for n in range(count):
        CapabilityFactory(
            release=ReleaseFactory(name=f"FY20{n:02d}", status=ReleaseStatus.RETIRED)
        )
    client = client_for(broker)
    url = reverse(f"admin:standards_{model}_changelist")
    client.get(url)  # warm the session and content-type caches
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_every_broken_workbook_is_refused_by_the_upload_as_by_the_command(
    client_for, broker, tmp_path, case
):
    changes, message = BROKEN[case]
    folder = write_workbooks(tmp_path, **changes)
    response = client_for(broker).post(UPLOAD, {"name": "FY2030", **_uploads(folder)})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert [m for field in errors.values() for m in field] == [message]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not StandardsRelease.objects.exists()
    assert not Capability.objects.exists()


def test_uploading_the_same_workbooks_again_changes_nothing(
    client_for, broker, tmp_path
):
    folder = write_workbooks(tmp_path)
    client = client_for(broker)
    client.post(UPLOAD, {"name": "FY2030", **_uploads(folder)})
    release = StandardsRelease.objects.get(name="FY2030")
    response = client.post(UPLOAD, {"name": "FY2030", **_uploads(folder)}, follow=True)
    assert "FY2030 was already imported with these files." in (
        response.content.decode()
    )
    assert StandardsRelease.objects.count() == 1
    assert Capability.objects.count() == 3
    release_again = StandardsRelease.objects.get()
    assert release_again.updated_at == release.updated_at


def test_an_upload_with_other_content_under_an_existing_name_is_refused(
    client_for, broker, tmp_path
):
    client = client_for(broker)
    client.post(UPLOAD, {"name": "FY2030", **_uploads(write_workbooks(tmp_path / "a"))})
    rows = capability_rows()
    rows[0][4] = "A different statement."
    folder = write_workbooks(tmp_path / "b", capabilities=rows)
    response = client.post(UPLOAD, {"name": "FY2030", **_uploads(folder)})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Release FY2030 already exists with different content; "
        "import the new files under a new release name."
    ]
    assert Capability.objects.get(code="FFM.010.010.011").statement == (
        "Record the budget attributes."
    )


def test_an_upload_that_inflates_too_far_is_refused_at_its_field_quickly(
    client_for, broker, tmp_path
):
    import io
    import time
    import zipfile

    from standards.importers import sheets

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"0" * (sheets.MAX_MEMBER_BYTES + 1)
        )
    uploads = _uploads(write_workbooks(tmp_path))
    uploads["functions"] = SimpleUploadedFile(
        "functions_and_activities_2025.xlsx", bomb.getvalue()
    )
    started = time.monotonic()
    response = client_for(broker).post(UPLOAD, {"name": "FY2030", **uploads})
    # The bound tells a refusal from a read (inflating and parsing the bomb takes
    # minutes); it is loose so that a busy machine does not fail it.
    assert time.monotonic() - started < 10
    [error] = response.context["form"].errors["functions"]
    assert error.startswith("functions_and_activities_2025.xlsx: ")
    assert "unpacks to more than 50 MB (xl/worksheets/sheet1.xml)" in error
    assert not StandardsRelease.objects.exists()


def test_the_exchanges_and_reports_workbooks_upload_with_the_others(
    client_for, broker, tmp_path
):
    import shutil

    from tests.standards.workbooks import SHARED_FY2025

    folder = write_workbooks(tmp_path)
    uploads = _uploads(folder)
    for field, name in (
        ("exchanges", "business_information_exchanges_2025.xlsx"),
        ("reports", "pre_built_business_reports_release_2025.xlsx"),
    ):
        shutil.copy(SHARED_FY2025 / name, tmp_path / name)
        uploads[field] = SimpleUploadedFile(name, (tmp_path / name).read_bytes())
    response = client_for(broker).post(UPLOAD, {"name": "FY2030", **uploads})
    assert response.status_code == 302
    release = StandardsRelease.objects.get(name="FY2030")
    assert release.exchanges.count() == 36
    assert release.reports.count() == 15
