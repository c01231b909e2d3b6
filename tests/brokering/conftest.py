import datetime

import pytest

from brokering import services
from brokering.models import NeedStatus, RunStatus, ScoringRun
from catalog.models import ClaimLevel
from catalog.services.claims import ClaimInput
from tests.brokering.factories import NeedFactory, NeedItemFactory
from tests.catalog.factories import OfferingFactory, write_claims
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)


@pytest.fixture
def release(db):
    return ReleaseFactory()


@pytest.fixture
def capabilities(release):
    """Two functions of two capabilities each, in code order."""
    found = []
    for function_code in ("FFM.010", "FFM.020"):
        function = FunctionFactory(
            release=release, code=function_code, name=f"Function {function_code}"
        )
        activity = ActivityFactory(function=function, code=f"{function_code}.010")
        found += [
            CapabilityFactory(activity=activity, code=f"{function_code}.010.0{n}")
            for n in (11, 12)
        ]
    return found


@pytest.fixture
def make_offering(release):
    def make(levels: list, **attributes):
        """An offering with one claim per capability given as ``(capability,
        level)``, written through the one claims writer (which refreshes its claim
        vector and queues its rescoring); the queued run is then done through the
        real service, as the worker would, so the builder leaves nothing pending."""
        offering = OfferingFactory(release=release, **attributes)
        write_claims(
            offering,
            [
                ClaimInput(
                    capability_id=capability.pk,
                    level=level,
                    evidence=f"Evidence for {capability.code}",
                    roadmap_date=datetime.date(2027, 1, 1)
                    if level == ClaimLevel.ROADMAP
                    else None,
                )
                for capability, level in levels
            ],
        )
        for run_id in ScoringRun.objects.filter(
            offering=offering, status=RunStatus.QUEUED
        ).values_list("pk", flat=True):
            services.scoring_run_execute(run_id=run_id)
        return offering

    return make


@pytest.fixture
def make_need(release, capabilities):
    def make(agency, priorities=("must", "should", "could", "must"), **fields):
        need = NeedFactory(
            agency=agency,
            release=release,
            go_live_date=datetime.date(2028, 1, 1),
            status=fields.pop("status", NeedStatus.DRAFT),
            **fields,
        )
        for capability, priority in zip(capabilities, priorities, strict=False):
            NeedItemFactory(need=need, capability=capability, priority=priority)
        return need

    return make


@pytest.fixture(autouse=True)
def _cold_engine():
    """Each test starts as a fresh worker process would: no shelf read before."""
    from brokering.scoring import inputs

    inputs.forget_shelves()
