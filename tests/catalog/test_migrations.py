"""Migration 0007 gives offerings that existed before it their search data: coverage
counts and covered functions computed from their claims."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("catalog", "0006_submission_queue")


def _migrate(*, before: bool):
    """Migrate the catalog back to just before 0007 (with whatever depends on it),
    or everything forward again; return the models as they are then."""
    executor = MigrationExecutor(connection)
    targets = [BEFORE] if before else executor.loader.graph.leaf_nodes()
    return executor.migrate(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_offerings_get_their_coverage_and_covered_functions():
    apps = _migrate(before=True)
    try:
        release = apps.get_model("standards", "StandardsRelease").objects.create(
            name="FY2090", status="current"
        )
        Function = apps.get_model("standards", "Function")
        Activity = apps.get_model("standards", "Activity")
        Capability = apps.get_model("standards", "Capability")
        capabilities = {}
        for code in ("FFM.010", "FFM.030"):
            function = Function.objects.create(release=release, code=code, name=code)
            activity = Activity.objects.create(
                release=release, function=function, code=f"{code}.010", name=code
            )
            capabilities[code] = [
                Capability.objects.create(
                    release=release,
                    function=function,
                    activity=activity,
                    code=f"{code}.010.{n:03d}",
                    kind="P",
                    statement="Must.",
                )
                for n in range(3)
            ]
        provider = apps.get_model("catalog", "Provider").objects.create(
            name="Old Provider", slug="old-provider", kind="commercial"
        )
        Offering = apps.get_model("catalog", "Offering")
        Claim = apps.get_model("catalog", "Claim")
        fields = {
            "provider": provider,
            "release": release,
            "summary": "Old.",
            "category": "core-fs-saas",
            "deployment_model": "saas",
            "fedramp_status": "authorized",
            "pricing_model": "subscription",
            "status": "published",
        }
        old = Offering.objects.create(name="Old", slug="old", **fields)
        empty = Offering.objects.create(name="Empty", slug="empty", **fields)
        for capability, level in zip(
            capabilities["FFM.010"] + capabilities["FFM.030"][:2],
            ["meets", "configurable", "extension", "meets", "does-not-meet"],
            strict=True,
        ):
            Claim.objects.create(offering=old, capability=capability, level=level)

        apps = _migrate(before=False)
        Offering = apps.get_model("catalog", "Offering")
        OfferingFunction = apps.get_model("catalog", "OfferingFunction")
        counts = dict(Offering.objects.values_list("slug", "covered_count"))
        totals = set(Offering.objects.values_list("capability_count", flat=True))
        assert counts == {"old": 3, "empty": 0}
        assert totals == {6}
        assert set(
            OfferingFunction.objects.values_list(
                "offering_id", "function_code", "covered_count"
            )
        ) == {(old.pk, "FFM.010", 2), (old.pk, "FFM.030", 1)}
        assert not OfferingFunction.objects.filter(offering_id=empty.pk).exists()
    finally:
        _migrate(before=False)
