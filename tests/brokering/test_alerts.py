"""Alerts for followed needs (#19): raised from the offering's scoring run, exactly
once when the offering crosses into the need's top 10 or becomes eligible with no
must-have gap, none when it does not; only users of the need's agency follow it."""

import pytest
from django.core import mail
from django.urls import reverse

from brokering import services
from brokering.models import NeedStatus
from brokering.services.alerts import FollowRefused, need_follow, need_unfollow
from catalog.models import Claim, ClaimLevel
from catalog.vectors import refresh_claim_vectors
from marketplace.models import Notification

pytestmark = pytest.mark.django_db

M, C = ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE


@pytest.fixture
def followed(make_need, make_offering, capabilities, agency, agency_user):
    """An active need (must, should, could, must) whose top 10 is full of strong
    offerings (musts met, the rest configurable), followed by the agency user."""
    need = make_need(agency, status=NeedStatus.ACTIVE)
    for n in range(10):
        make_offering(list(zip(capabilities, [M, C, C, M], strict=True)), slug=f"s{n}")
    services.matches_refresh_for_need(need_id=need.pk)
    need_follow(user=agency_user, need=need)
    return need


@pytest.fixture
def run_offering(django_capture_on_commit_callbacks):
    """The scoring run a publication or change of the offering queues, as a worker
    runs it (e-mails leave on commit)."""

    def run(offering) -> None:
        # Sent on commit; the in-process task runs it at once.
        with django_capture_on_commit_callbacks(execute=True):
            scoring_run = services.scoring_run_enqueue(offering_id=offering.pk)
        scoring_run.refresh_from_db()
        assert scoring_run.status == "done"

    return run


def set_levels(offering, capabilities, levels) -> None:
    for capability, level in zip(capabilities, levels, strict=True):
        if level is None:
            Claim.objects.filter(offering=offering, capability=capability).delete()
        else:
            Claim.objects.update_or_create(
                offering=offering, capability=capability, defaults={"level": level}
            )
    refresh_claim_vectors(offering_ids=[offering.pk])


def test_an_offering_that_crosses_nothing_raises_no_alert(
    followed, make_offering, capabilities, run_offering
):
    weak = make_offering([(capabilities[1], M)], slug="weak")  # two must-have gaps
    run_offering(weak)
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_entering_the_top_10_alerts_exactly_once(
    followed, make_offering, capabilities, run_offering, agency_user
):
    offering = make_offering([(capabilities[1], M)], slug="rising")
    run_offering(offering)
    # Musts met: eligible with no must-have gap, but ten stronger offerings lead.
    set_levels(offering, capabilities, [M, None, None, M])
    run_offering(offering)
    first = Notification.objects.get()
    assert "is now eligible with no must-have gap" in first.subject
    assert "top 10" not in first.subject
    # Everything met: it enters the top 10 (already eligible: one reason).
    set_levels(offering, capabilities, [M, M, M, M])
    run_offering(offering)
    second = Notification.objects.exclude(pk=first.pk).get()
    assert second.subject.startswith("Offering ") and "entered the top 10" in (
        second.subject
    )
    assert "eligible" not in second.subject
    assert second.url.startswith(reverse("brokering:need-detail", args=[followed.pk]))
    # The same event again (a repeated run, the need's next scoring): nothing new.
    run_offering(offering)
    services.matches_refresh_for_need(need_id=followed.pk)
    run_offering(offering)
    assert Notification.objects.count() == 2
    assert [m.subject for m in mail.outbox] == [first.subject, second.subject]
    assert mail.outbox[1].to == [agency_user.email]
    agency_user.refresh_from_db()
    assert agency_user.unread_notifications == 2


def test_only_followers_hear_and_unfollowing_stops_it(
    followed, make_offering, capabilities, run_offering, agency_user
):
    need_unfollow(user=agency_user, need=followed)
    run_offering(make_offering(list(zip(capabilities, [M] * 4, strict=True))))
    assert not Notification.objects.exists()


def test_only_users_of_the_needs_agency_may_follow(
    followed, other_agency_user, broker, client_for
):
    for user in (other_agency_user, broker):
        with pytest.raises(FollowRefused):
            need_follow(user=user, need=followed)
    answer = client_for(other_agency_user).post(
        reverse("brokering:need-follow", args=[followed.pk])
    )
    assert answer.status_code == 404


def test_the_need_page_follows_and_unfollows(followed, client_for, agency_user):
    client = client_for(agency_user)
    page = client.get(reverse("brokering:need-detail", args=[followed.pk]))
    assert "Stop following" in page.content.decode()
    client.post(reverse("brokering:need-unfollow", args=[followed.pk]))
    page = client.get(reverse("brokering:need-detail", args=[followed.pk]))
    assert "Follow this need" in page.content.decode()
    client.post(reverse("brokering:need-follow", args=[followed.pk]))
    client.post(reverse("brokering:need-follow", args=[followed.pk]))  # double submit
    assert followed.follows.count() == 1


@pytest.fixture
def three_followed(followed, make_need, agency, agency_user):
    """Three needs with the same items and a full top 10; the agency user follows
    all three, a colleague the third only."""
    from brokering.services.alerts import need_follow as follow
    from tests.marketplace.factories import UserFactory

    needs = [followed]
    for _ in range(2):
        need = make_need(agency, status=NeedStatus.ACTIVE)
        services.matches_refresh_for_need(need_id=need.pk)
        follow(user=agency_user, need=need)
        needs.append(need)
    colleague = UserFactory(username="colleague", agency=agency)
    follow(user=colleague, need=needs[2])
    return needs, colleague


def test_one_run_alerts_every_follower_of_every_need_it_crosses_once(
    three_followed,
    make_offering,
    capabilities,
    run_offering,
    agency_user,
    django_assert_max_num_queries,
):
    needs, colleague = three_followed
    offering = make_offering([(capabilities[1], M)], slug="rising")
    set_levels(offering, capabilities, [M, M, M, M])
    run_offering(offering)
    alerts = Notification.objects.order_by("user_id", "event_key")
    assert sorted((a.user_id, a.event_key.split(":")[1]) for a in alerts) == sorted(
        [(agency_user.pk, str(need.pk)) for need in needs]
        + [(colleague.pk, str(needs[2].pk))]
    )
    for alert in alerts:
        need_id = int(alert.event_key.split(":")[1])
        assert "entered the top 10" in alert.subject
        assert "eligible with no must-have gap" in alert.subject
        assert alert.url.startswith(reverse("brokering:need-detail", args=[need_id]))
    agency_user.refresh_from_db()
    colleague.refresh_from_db()
    assert (agency_user.unread_notifications, colleague.unread_notifications) == (3, 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [agency_user.email] * 3 + [colleague.email]
    )
    run_offering(offering)  # the same event again: nothing new
    assert Notification.objects.count() == 4 and len(mail.outbox) == 4


def test_the_alerts_queries_do_not_grow_with_the_needs_crossed(
    three_followed, make_offering, capabilities, agency_user
):
    """The standing and the alerts read and write in a constant number of queries,
    whether the offering crosses one need or three."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from brokering.services.alerts import need_alerts_raise, offering_standing

    needs, _colleague = three_followed

    def queries(offering) -> int:
        set_levels(offering, capabilities, [M, M, M, M])
        before = offering_standing(offering_id=offering.pk)
        services.matches_refresh_for_offering(offering_id=offering.pk)
        with CaptureQueriesContext(connection) as captured:
            after = offering_standing(offering_id=offering.pk)
            assert need_alerts_raise(offering_id=offering.pk, before=before)
        return len(captured), len(after.top)

    three = queries(make_offering([(capabilities[1], M)], slug="first"))
    need_unfollow(user=agency_user, need=needs[1])
    need_unfollow(user=agency_user, need=needs[2])  # the colleague follows it still
    one = queries(make_offering([(capabilities[1], M)], slug="second"))
    assert (three[1], one[1]) == (3, 2)
    assert three[0] == one[0]
