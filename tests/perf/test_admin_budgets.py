"""Every admin changelist runs the same number of queries for 1 row and for 50.

The test walks the admin site's registry, so a model registered later without a row
builder here fails until one is added: no changelist escapes the budget.
"""

import datetime
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from brokering.models import Invitation, Round, ScoringRun
from catalog.models import (
    Claim,
    ItemClaim,
    OfferingDocument,
    OfferingStatus,
    ProviderAccountRequest,
    ProviderInvitation,
    ReviewComment,
)
from marketplace.models import WorkerHeartbeat
from standards.models import ReleaseStatus
from tests.brokering.factories import AgencyFactory, MatchFactory, NeedFactory
from tests.catalog.factories import (
    ClaimFactory,
    ContractVehicleFactory,
    MeasureClaimFactory,
    OfferingFactory,
    ProviderFactory,
    ShortlistFactory,
)
from tests.marketplace.factories import UserFactory
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    DataElementFactory,
    FunctionFactory,
    ReleaseFactory,
    ServiceMeasureFactory,
)

pytestmark = pytest.mark.django_db


def _repeat(make: Callable[[int], object]) -> Callable[[int], None]:
    counter = iter(range(1_000_000))

    def build(n: int) -> None:
        for _ in range(n):
            make(next(counter))

    return build


def _document(i: int) -> None:
    OfferingDocument.objects.create(
        offering=OfferingFactory(),
        title=f"Evidence {i}",
        file=ContentFile(b"%PDF-1.4 budget", name=f"evidence-{i}.pdf"),
        original_name=f"evidence-{i}.pdf",
        kind="pdf",
        size=15,
        uploaded_by=UserFactory(),
    )


def _access_attempt(i: int) -> None:
    AccessAttempt.objects.create(
        username=f"user{i}",
        ip_address="192.0.2.1",
        user_agent="budget",
        http_accept="*/*",
        path_info="/account/sign-in/",
        failures_since_start=1,
    )


def _stale_claim(i: int) -> None:
    claim = ClaimFactory()
    long_ago = timezone.now() - datetime.timedelta(days=4000)
    Claim.objects.filter(pk=claim.pk).update(updated_at=long_ago)


def _stale_measure_claim(i: int) -> None:
    claim = MeasureClaimFactory()
    long_ago = timezone.now() - datetime.timedelta(days=4000)
    ItemClaim.objects.filter(pk=claim.pk).update(updated_at=long_ago)


BUILDERS: dict[str, Callable[[int], None]] = {
    "auth.Group": _repeat(lambda i: Group.objects.create(name=f"group {i}")),
    "authtoken.TokenProxy": _repeat(lambda i: Token.objects.create(user=UserFactory())),
    "axes.AccessAttempt": _repeat(_access_attempt),
    "axes.AccessFailureLog": _repeat(
        lambda i: AccessFailureLog.objects.create(
            username=f"user{i}",
            ip_address="192.0.2.1",
            user_agent="budget",
            http_accept="*/*",
            path_info="/account/sign-in/",
            locked_out=False,
        )
    ),
    "axes.AccessLog": _repeat(
        lambda i: AccessLog.objects.create(
            username=f"user{i}",
            ip_address="192.0.2.1",
            user_agent="budget",
            http_accept="*/*",
            path_info="/account/sign-in/",
        )
    ),
    "brokering.Agency": _repeat(lambda i: AgencyFactory()),
    "brokering.Match": _repeat(lambda i: MatchFactory()),
    "brokering.Need": _repeat(lambda i: NeedFactory()),
    "brokering.Round": _repeat(
        lambda i: Invitation.objects.create(
            round=Round.objects.create(
                need=NeedFactory(), title=f"Round {i}", due_at=timezone.now()
            ),
            offering=OfferingFactory(),
        )
    ),
    "brokering.ScoringRun": _repeat(
        lambda i: ScoringRun.objects.create(need=NeedFactory())
    ),
    "catalog.Claim": _repeat(lambda i: ClaimFactory()),
    "catalog.ClaimToReverify": _repeat(_stale_claim),
    "catalog.ItemClaimToReverify": _repeat(_stale_measure_claim),
    "catalog.ContractVehicle": _repeat(lambda i: ContractVehicleFactory()),
    "catalog.Offering": _repeat(lambda i: OfferingFactory()),
    "catalog.OfferingDocument": _repeat(_document),
    "catalog.Provider": _repeat(lambda i: ProviderFactory()),
    "catalog.ProviderAccountRequest": _repeat(
        lambda i: ProviderAccountRequest.objects.create(
            company_name=f"Company {i}",
            kind="commercial",
            contact_name="Casey Contact",
            email=f"casey{i}@example.com",
        )
    ),
    "catalog.ProviderInvitation": _repeat(
        lambda i: ProviderInvitation.objects.create(
            provider=ProviderFactory(),
            email=f"invitee{i}@example.com",
            user=UserFactory(),
            invited_by=UserFactory(is_staff=True),
        )
    ),
    "catalog.ReviewComment": _repeat(
        lambda i: ReviewComment.objects.create(
            offering=OfferingFactory(),
            action="return",
            body="Please add evidence.",
            author=UserFactory(is_staff=True),
        )
    ),
    "catalog.Shortlist": _repeat(lambda i: ShortlistFactory()),
    "catalog.Submission": _repeat(
        lambda i: OfferingFactory(
            status=OfferingStatus.SUBMITTED, submitted_at=timezone.now()
        )
    ),
    "marketplace.User": _repeat(lambda i: UserFactory()),
    "marketplace.WorkerHeartbeat": _repeat(
        lambda i: WorkerHeartbeat.objects.create(
            hostname=f"celery@worker-{i}", seen_at=timezone.now()
        )
    ),
    "standards.Activity": _repeat(lambda i: ActivityFactory()),
    "standards.Capability": _repeat(lambda i: CapabilityFactory()),
    "standards.DataElement": _repeat(lambda i: DataElementFactory()),
    "standards.Function": _repeat(lambda i: FunctionFactory()),
    "standards.ServiceMeasure": _repeat(lambda i: ServiceMeasureFactory()),
    "standards.StandardsRelease": _repeat(
        lambda i: ReleaseFactory(
            name=f"FY{2100 + i}",
            status=ReleaseStatus.RETIRED,
            published_on=datetime.date(2025, 10, 1),
        )
    ),
}

REGISTERED = sorted(model._meta.label for model in admin.site._registry)


def test_every_admin_changelist_has_a_row_builder():
    assert sorted(set(REGISTERED) - set(BUILDERS)) == []


@pytest.mark.parametrize("label", REGISTERED)
def test_changelist_runs_the_same_queries_for_1_and_50_rows(
    label, client_for, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    model = next(m for m in admin.site._registry if m._meta.label == label)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client = client_for(admin_user)
    build = BUILDERS[label]

    build(1)
    client.get(url)  # settle the session and per-process caches
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200
    build(49)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.status_code == 200
    assert len(fifty) == len(one), (
        f"{label}: {len(one)} queries for 1 row, {len(fifty)} for 50:\n"
        + "\n".join(q["sql"][:200] for q in fifty.captured_queries)
    )
