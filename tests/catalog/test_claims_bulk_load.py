"""The claims writer's bulk path (``claims_bulk_load``, the scale generator's COPY
load) yields exactly what the writer (``claims_save``) yields for the same claims,
and refuses what the writer refuses. On SQLite it inserts in batches; the services
pass (PostgreSQL) runs the same tests through ``COPY``."""

import datetime

import pytest

from catalog.models import Claim, ClaimLevel, ClaimVector, Offering, OfferingStatus
from catalog.services.claims import (
    ClaimInput,
    ClaimRefused,
    ItemClaimInput,
    claims_bulk_load,
)
from catalog.vectors import refresh_claim_vectors
from standards.items import item_keys_in_order
from standards.models import ReleaseStatus
from tests.brokering.kinds import mixed_release
from tests.catalog import search_reference
from tests.catalog.factories import OfferingFactory, write_claims
from tests.catalog.workflow_helpers import standards_tree
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)

pytestmark = pytest.mark.django_db

ROADMAP = datetime.date(2028, 3, 31)
# Per offering: (capability index, level, roadmap date, evidence). The writer drops a
# roadmap date of another level; so must the load. Evidence with a tab, a line
# break and a backslash goes through COPY's escaping.
STATED = [
    [
        (0, ClaimLevel.MEETS, None, "In production\tat two agencies."),
        (2, ClaimLevel.ROADMAP, ROADMAP, "Planned:\nsecond half of 2028 \\ v9."),
        (3, ClaimLevel.CONFIGURABLE, ROADMAP, ""),
    ],
    [],
    [(n, level, ROADMAP, "") for n, level in enumerate(ClaimLevel.values)],
]


@pytest.fixture
def capabilities():
    return standards_tree(functions=2, per_activity=3)[1]


def _drafts(capabilities, prefix: str) -> list[Offering]:
    return [
        OfferingFactory(
            release=capabilities[0].release,
            status=OfferingStatus.DRAFT,
            name=f"Offering {n}",
            slug=f"{prefix}-{n}",
        )
        for n in range(len(STATED))
    ]


def _state(offering) -> tuple:
    claims = sorted(
        offering.claims.values_list(
            "capability_id", "level", "roadmap_date", "evidence", "verified"
        )
    )
    # The writer, given no claims, writes nothing (and so no vector); the load gives
    # every offering its vector: all unknown, what refreshing would give.
    vector = ClaimVector.objects.filter(offering=offering).first() or ClaimVector(
        levels=bytes(len(item_keys_in_order(offering.release_id))),
        roadmap=b"",
        claims_count=0,
        capability_count=len(item_keys_in_order(offering.release_id)),
    )
    return (
        claims,
        (bytes(vector.levels), bytes(vector.roadmap), vector.claims_count),
        vector.capability_count,
        offering.covered_count,
        sorted(
            offering.covered_functions.values_list("function_code", "covered_count")
        ),
    )


@pytest.mark.parametrize("batch", [None, 1], ids=["one batch", "a batch each"])
def test_the_bulk_load_equals_the_writer(capabilities, batch, monkeypatch):
    # More offerings than a batch of vectors: on PostgreSQL the vectors must wait
    # until COPY has ended (a query during COPY aborts the load: 20,000 offerings).
    if batch:
        monkeypatch.setattr("catalog.services.claims.LOAD_BATCH", batch)
    written = _drafts(capabilities, "written")
    for offering, stated in zip(written, STATED, strict=True):
        write_claims(
            offering,
            [
                ClaimInput(
                    capability_id=capabilities[n].pk,
                    level=level,
                    roadmap_date=roadmap,
                    evidence=evidence,
                )
                for n, level, roadmap, evidence in stated
            ],
        )
    loaded = _drafts(capabilities, "loaded")
    count = claims_bulk_load(
        offering_ids=[o.pk for o in loaded],
        claims=(
            [
                (capabilities[n].pk, level, roadmap, evidence)
                for n, level, roadmap, evidence in stated
            ]
            for stated in STATED
        ),
    )
    assert count == sum(map(len, STATED))
    for one, other in zip(written, loaded, strict=True):
        one.refresh_from_db()
        other.refresh_from_db()
        assert _state(one) == _state(other)
    search_reference.assert_search_data_current([o.pk for o in written + loaded])


@pytest.mark.parametrize(
    "case, message",
    [
        ("published", "draft or returned offerings only"),
        ("has claims", "an offering has claims"),
        ("other release", "capability of the offering's standards release"),
        ("unknown level", "Unknown claim level"),
        ("roadmap without date", "needs a target date"),
    ],
)
def test_the_bulk_load_refuses_what_the_writer_refuses(capabilities, case, message):
    (offering,) = _drafts(capabilities, "refused")[:1]
    capability, level, roadmap = capabilities[0], ClaimLevel.MEETS, None
    if case == "published":
        Offering.objects.filter(pk=offering.pk).update(status=OfferingStatus.PUBLISHED)
    elif case == "has claims":
        write_claims(offering, [ClaimInput(capability_id=capability.pk, level="meets")])
    elif case == "other release":
        capability = CapabilityFactory(
            activity=ActivityFactory(
                function=FunctionFactory(
                    release=ReleaseFactory(name="FY2098", status=ReleaseStatus.DRAFT)
                )
            )
        )
    elif case == "unknown level":
        level = "excellent"
    else:
        level = ClaimLevel.ROADMAP
    before = Claim.objects.count()
    with pytest.raises(ClaimRefused, match=message):
        claims_bulk_load(
            offering_ids=[offering.pk],
            claims=[
                [
                    (capabilities[1].pk, "meets", None, ""),
                    (capability.pk, level, roadmap, ""),
                ]
            ],
        )
    assert Claim.objects.count() == before


def test_the_bulk_load_of_every_kind_equals_the_writer():
    # Measures, exchanges and reports load as (kind, id) beside the capabilities.
    data = mixed_release()
    items = [
        (("measure", data["measures"][0].pk), ClaimLevel.MEETS, None, "SLA\tsigned."),
        (("measure", data["measures"][1].pk), ClaimLevel.ROADMAP, ROADMAP, ""),
        (("exchange", data["exchanges"][1].pk), ClaimLevel.CONFIGURABLE, None, ""),
        (("report", data["reports"][0].pk), ClaimLevel.DOES_NOT_MEET, ROADMAP, ""),
        (data["capabilities"][1].pk, ClaimLevel.EXTENSION, None, ""),
    ]

    def draft(slug):
        return OfferingFactory(
            release=data["release"], status=OfferingStatus.DRAFT, slug=slug
        )

    written, loaded = draft("written"), draft("loaded")
    write_claims(
        written,
        [
            ItemClaimInput(
                kind=key[0],
                item_id=key[1],
                level=level,
                roadmap_date=roadmap,
                evidence=evidence,
            )
            if isinstance(key, tuple)
            else ClaimInput(capability_id=key, level=level, roadmap_date=roadmap)
            for key, level, roadmap, evidence in items
        ],
    )
    assert claims_bulk_load(offering_ids=[loaded.pk], claims=[items]) == len(items)

    def state(offering):
        vector = ClaimVector.objects.get(offering=offering)
        return (
            sorted(
                offering.item_claims.values_list(
                    "kind",
                    "service_measure_id",
                    "exchange_id",
                    "report_id",
                    "level",
                    "roadmap_date",
                    "evidence",
                    "verified",
                )
            ),
            list(offering.claims.values_list("capability_id", "level")),
            (bytes(vector.levels), bytes(vector.roadmap), vector.claims_count),
        )

    assert state(written) == state(loaded)
    refresh_claim_vectors(offering_ids=[loaded.pk])
    assert state(written) == state(loaded)
