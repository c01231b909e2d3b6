"""Bad catalog, offering, compare and shortlist input: a clear page, never a 500."""

import pytest
from django.urls import reverse

from tests.catalog.catalog_world import make_offering, make_release

pytestmark = pytest.mark.django_db

CASES = [
    ("catalog:offering-list", {"q": "\x00"}),
    ("catalog:offering-list", {"q": "ledger\x00x"}),
    ("catalog:offering-list", {"q": '"'}),
    ("catalog:offering-list", {"q": "-"}),
    ("catalog:offering-list", {"q": "!!! & | ( ) :*"}),
    ("catalog:offering-list", {"q": "or"}),
    ("catalog:offering-list", {"q": "%_"}),
    ("catalog:offering-list", {"page": "-1"}),
    ("catalog:offering-list", {"page": "1e5"}),
    ("catalog:offering-list", {"page": "99999999999999999999999"}),
    ("catalog:offering-list", {"page": ["1", "2"]}),
    ("catalog:offering-list", {"sort": ""}),
    ("catalog:offering-list", {"function": ""}),
    ("catalog:offering-list", {"kind": ["federal", "x\x00"]}),
    ("catalog:offering-list", {"q": "a" * 200, "sort": "relevance"}),
    ("catalog:offering-list", {"q": "ledger", "page": "2"}),
    ("catalog:compare", {"offering": ""}),
    ("catalog:compare", {"offering": ["a", "a"]}),
    ("catalog:compare", {"offering": ["granite", "granite"]}),
    ("catalog:compare", {"offering": ["granite", "keel"], "diff": "maybe"}),
    ("catalog:compare", {"offering": ["granite", "\x00"]}),
    ("catalog:compare", {"offering": [str(i) for i in range(50)]}),
    ("catalog:compare-csv", {}),
    ("catalog:compare-xlsx", {"offering": "granite"}),
]


@pytest.mark.parametrize(("name", "params"), CASES)
def test_no_500(client, name, params):
    release, caps = make_release()
    make_offering(release, covers=[caps["FFM.090"]], name="Granite", slug="granite")
    make_offering(release, covers=[caps["FFM.030"]], name="Keel", slug="keel")
    r = client.get(reverse(name), params)
    assert r.status_code < 500


DETAIL = [
    {"page": "abc"},
    {"page": "0"},
    {"page": "999"},
    {"function": "FFM.999"},
    {"level": "\x00"},
    {"function": ["FFM.090", "FFM.030"]},
    {"level": "unknown", "page": "2"},
]


@pytest.mark.parametrize("params", DETAIL)
def test_detail_no_500(client, params):
    release, caps = make_release()
    o = make_offering(release, covers=[caps["FFM.090"]], name="Granite", slug="granite")
    r = client.get(o.get_absolute_url(), params)
    assert r.status_code < 500


def test_shortlist_bad(client_for, agency_user):
    release, caps = make_release()
    make_offering(release, covers=[caps["FFM.090"]], name="Granite", slug="granite")
    c = client_for(agency_user)
    for data in [
        {"offering": "granite", "shortlist": "not-a-uuid"},
        {"offering": "granite", "new_name": "x" * 500},
        {"offering": "granite", "new_name": "\x00"},
        {"offering": "", "new_name": "a"},
        {"offering": "no such", "new_name": "a"},
        {},
    ]:
        r = c.post(reverse("catalog:shortlist-add"), data)
        assert r.status_code < 500
    r = c.post(reverse("catalog:shortlist-list"), {"name": "\x00"})
    assert r.status_code < 500
    r = c.post(reverse("catalog:shortlist-list"), {"name": "y" * 500})
    assert r.status_code < 500
