"""The release life cycle: one current release, retired predecessors, the signal."""

import threading

import pytest
from django.db import connection

from seeding.demo import standards as demo
from standards.models import ReleaseStatus, StandardsRelease
from standards.selectors import current_release
from standards.services import ReleaseConflict, release_make_current, release_retire
from standards.signals import release_made_current
from tests.conftest import uses_services
from tests.standards.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    """Records what ``release_made_current`` carried, through a real receiver."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append({k: v for k, v in kwargs.items() if k != "signal"})

    release_made_current.connect(receiver, dispatch_uid="test-standards-recorder")
    yield calls
    release_made_current.disconnect(dispatch_uid="test-standards-recorder")


def test_making_a_draft_current_retires_the_old_current_release(sent):
    old = ReleaseFactory(name="FY2024", status=ReleaseStatus.CURRENT)
    new = ReleaseFactory(name="FY2025", status=ReleaseStatus.DRAFT)

    release_make_current(release=new)

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (ReleaseStatus.RETIRED, ReleaseStatus.CURRENT)
    assert current_release() == new
    assert sent == [{"release_id": new.pk, "previous_id": old.pk}]


def test_the_first_current_release_has_no_previous(sent):
    release = ReleaseFactory(name="FY2025", status=ReleaseStatus.DRAFT)
    release_make_current(release=release)
    assert sent == [{"release_id": release.pk, "previous_id": None}]


def test_a_retired_release_can_be_made_current_again(sent):
    old = ReleaseFactory(name="FY2024", status=ReleaseStatus.RETIRED)
    now = ReleaseFactory(name="FY2025", status=ReleaseStatus.CURRENT)
    release_make_current(release=old)
    now.refresh_from_db()
    assert now.status == ReleaseStatus.RETIRED
    assert current_release() == old


def test_the_current_release_cannot_be_made_current_twice(sent):
    release = ReleaseFactory(name="FY2025", status=ReleaseStatus.CURRENT)
    with pytest.raises(ReleaseConflict, match="Release FY2025 is already current."):
        release_make_current(release=release)
    assert sent == []


def test_status_changes_are_recorded_in_the_history():
    old = ReleaseFactory(name="FY2024", status=ReleaseStatus.CURRENT)
    new = ReleaseFactory(name="FY2025", status=ReleaseStatus.DRAFT)
    release_make_current(release=new)
    assert [h.status for h in new.history.order_by("history_date")] == [
        ReleaseStatus.DRAFT,
        ReleaseStatus.CURRENT,
    ]
    assert [h.status for h in old.history.order_by("history_date")] == [
        ReleaseStatus.CURRENT,
        ReleaseStatus.RETIRED,
    ]


def test_retiring_a_draft_and_refusing_to_retire_twice():
    release = ReleaseFactory(name="FY2026", status=ReleaseStatus.DRAFT)
    release_retire(release=release)
    assert release.status == ReleaseStatus.RETIRED
    with pytest.raises(ReleaseConflict, match="already retired"):
        release_retire(release=release)


def test_the_demo_seed_is_idempotent_and_makes_the_demo_current():
    release = demo.seed()
    assert release.name == "DEMO-ILLUSTRATION"
    assert release.status == ReleaseStatus.CURRENT
    assert release.functions.count() == 10
    assert release.activities.count() == 51
    counts = [a.capabilities.count() for a in release.activities.all()]
    assert min(counts) >= 2
    assert release.service_measures.count() == 9
    assert (release.systems.count(), release.exchanges.count()) == (3, 4)
    assert release.reports.count() == 3

    again = demo.seed()
    assert again.pk == release.pk
    assert StandardsRelease.objects.count() == 1
    assert release.capabilities.count() == again.capabilities.count()


def test_the_demo_seed_leaves_another_current_release_current():
    other = ReleaseFactory(name="FY2025", status=ReleaseStatus.CURRENT)
    release = demo.seed()
    assert release.status == ReleaseStatus.DRAFT
    assert current_release() == other


def test_the_demo_uses_the_fy2025_function_and_activity_names_under_demo_ids():
    from pathlib import Path

    from standards.importers import read_path
    from tests.standards.workbooks import SHARED_FY2025

    official = read_path(SHARED_FY2025)
    bundled = read_path(Path(demo.DEMO_FILE))

    def demo_id(code: str) -> str:
        return code.replace("FFM.", "DEMO.", 1)

    assert [(f["code"], f["name"]) for f in bundled.functions] == [
        (demo_id(f["code"]), f["name"]) for f in official.functions
    ]
    assert [(a["code"], a["name"]) for a in bundled.activities] == [
        (demo_id(a["code"]), a["name"]) for a in official.activities
    ]
    official_statements = {c["statement"] for c in official.capabilities}
    assert not official_statements & {c["statement"] for c in bundled.capabilities}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_promotions_leave_exactly_one_current_release():
    if not uses_services():
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL (CI's services pass)")
    ReleaseFactory(name="FY2024", status=ReleaseStatus.CURRENT)
    candidates = [
        ReleaseFactory(name=f"FY20{n}", status=ReleaseStatus.DRAFT) for n in (25, 26)
    ]
    barrier = threading.Barrier(len(candidates))
    errors = []

    def promote(release):
        try:
            barrier.wait()
            release_make_current(release=release)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=promote, args=(r,)) for r in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert StandardsRelease.objects.filter(status=ReleaseStatus.CURRENT).count() == 1
    assert StandardsRelease.objects.filter(status=ReleaseStatus.RETIRED).count() == 2
