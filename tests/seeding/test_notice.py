"""Every page of a portal holding demo data says so; without demo data none does."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from brokering.models import Match, MatchStatus, Need
from catalog.models import Offering, OfferingStatus, Shortlist
from seeding import notice
from seeding.demo import DEMO_PASSWORD
from standards.selectors import current_release

NOTICE = "Demonstration data."
QSMO_ADDRESS = "FMQSMO@fiscal.treasury.gov"


def _pages() -> dict[str, list[str]]:
    """Every page type, by the demo user who may read it."""
    release = current_release()
    capability = release.capabilities.order_by("code").first()
    published, other = Offering.objects.filter(status=OfferingStatus.PUBLISHED)[:2]
    need = Need.objects.get(created_by__username="agency")
    match = Match.objects.filter(need=need, status=MatchStatus.RECOMMENDED).first()
    submitted = Offering.objects.filter(status=OfferingStatus.SUBMITTED).first()
    returned = Offering.objects.get(status=OfferingStatus.RETURNED)
    shortlist = Shortlist.objects.get(owner__username="agency")
    public = [
        reverse("marketplace:home"),
        reverse("marketplace:login"),
        reverse("catalog:offering-list"),
        reverse("catalog:offering-detail", args=[published.slug]),
        reverse("catalog:compare")
        + f"?offering={published.slug}&offering={other.slug}",
        reverse("standards:release-list"),
        reverse("standards:release-detail", args=[release.name]),
        reverse("standards:capability-list", args=[release.name]),
        reverse("standards:capability-detail", args=[release.name, capability.code]),
        "/no-such-page/",
    ]
    need_pages = [
        reverse("brokering:need-list"),
        reverse("brokering:need-detail", args=[need.pk]),
        reverse("brokering:need-priorities", args=[need.pk]),
        reverse("brokering:need-results", args=[need.pk]),
        reverse("brokering:need-matrix", args=[need.pk]),
        reverse("brokering:match-detail", args=[need.pk, match.pk]),
        reverse("brokering:need-report", args=[need.pk]),
        reverse("catalog:shortlist-list"),
        reverse("catalog:shortlist-detail", args=[shortlist.public_id]),
    ]
    return {
        "": public,
        "agency": need_pages,
        "provider": [
            reverse("provider:home"),
            reverse("provider:offering-detail", args=[returned.pk]),
            reverse("provider:offering-claims", args=[returned.pk]),
            reverse("provider:offering-history", args=[returned.pk]),
        ],
        "broker": [
            reverse("admin:index"),
            reverse("admin:catalog_submission_change", args=[submitted.pk]),
            reverse("admin:catalog_offering_changelist"),
            reverse("admin:brokering_need_changelist"),
        ],
    }


def _read_all(client, pages) -> dict[str, str]:
    bodies = {}
    for username, urls in pages.items():
        client.logout()
        if username:
            assert client.login(username=username, password=DEMO_PASSWORD)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            bodies[url] = response.content.decode()
    return bodies


@pytest.mark.django_db
def test_the_notice_is_on_every_page_type_exactly_when_demo_data_is_loaded(
    client, settings
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False  # the portal's own 404 page, not Django's debug page
    pages = _pages()
    assert sum(len(urls) for urls in pages.values()) >= 25

    cache.clear()  # read the marker from the database, not the cache
    with_demo = _read_all(client, pages)
    missing = [url for url, body in with_demo.items() if NOTICE not in body]
    assert missing == []
    assert not any(QSMO_ADDRESS in body for body in with_demo.values())

    # The demo fills the pages in: the fit-gap report lists the shortlisted offerings.
    need = Need.objects.get(created_by__username="agency")
    report = with_demo[reverse("brokering:need-report", args=[need.pk])]
    kept = need.matches.exclude(status=MatchStatus.PROPOSED).select_related("offering")
    assert kept.count() == 3
    assert all(match.offering.name in report for match in kept)

    # The standards page's general words about Treasury's releases say the demo
    # release is not one of them.
    releases = with_demo[reverse("standards:release-list")]
    assert (
        "illustrations made up for this demonstration, not Treasury's text" in releases
    )

    notice.forget()
    cache.clear()
    without = _read_all(client, pages)
    assert "illustrations made up" not in without[reverse("standards:release-list")]
    shown = [url for url, body in without.items() if NOTICE in body]
    assert shown == []
    assert QSMO_ADDRESS in without[reverse("marketplace:home")]


@pytest.mark.django_db
def test_seed_demo_records_the_marker_once():
    from seeding.models import DemoData

    notice.record()
    notice.record()
    assert DemoData.objects.count() == 1
    cache.clear()
    assert notice.loaded()
    notice.forget()
    cache.clear()
    assert not notice.loaded()
    assert get_user_model().objects.count() == 0
