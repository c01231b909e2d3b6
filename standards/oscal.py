"""OSCAL catalog export (to be completed)."""

import uuid

from django.db.models import Prefetch

from standards.models import Activity, Capability, Function, StandardsRelease

OSCAL_VERSION = "1.1.2"
UUID_NAMESPACE = uuid.UUID("0f4b7a52-5a57-4c0e-9a43-2f1d4c9c1b71")


def _functions(release: StandardsRelease):
    return (
        Function.objects.filter(release=release)
        .order_by("code")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.order_by("code").prefetch_related(
                    Prefetch(
                        "capabilities", queryset=Capability.objects.order_by("code")
                    )
                ),
            )
        )
    )


def _oscal_id(code: str) -> str:
    """OSCAL ids are tokens: ``FFM.010.010.011`` -> ``ffm-010-010-011``."""
    return code.lower().replace(".", "-")


def _uuid(release: StandardsRelease, key: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, f"{release.name}/{key}"))


def release_as_oscal(release: StandardsRelease) -> dict:
    def control(c: Capability) -> dict:
        props = [
            {"name": "label", "value": c.code},
            {"name": "io-kind", "value": c.get_kind_display().lower()},
        ]
        for name, value in (
            ("ffmsr-goal-group-id", c.goal_group_id),
            ("ffmsr-goal-group-name", c.goal_group_name),
            ("ffmsr-id", c.ffmsr_id),
        ):
            if value:
                props.append({"name": name, "value": value})
        parts = [
            {
                "id": f"{_oscal_id(c.code)}_smt",
                "name": "statement",
                "prose": c.statement,
            }
        ]
        for name, value in (
            ("authoritative-references", c.authoritative_references),
            ("other-references", c.other_references),
        ):
            if value:
                parts.append(
                    {"id": f"{_oscal_id(c.code)}_{name}", "name": name, "prose": value}
                )
        return {
            "id": _oscal_id(c.code),
            "class": "ffm-business-capability",
            "title": c.code,
            "props": props,
            "parts": parts,
        }

    groups = []
    for function in _functions(release):
        groups.append(
            {
                "id": _oscal_id(function.code),
                "class": "ffm-function",
                "title": function.name,
                "props": [{"name": "label", "value": function.code}],
                "groups": [
                    {
                        "id": _oscal_id(activity.code),
                        "class": "ffm-activity",
                        "title": activity.name,
                        "props": [{"name": "label", "value": activity.code}],
                        "parts": (
                            [
                                {
                                    "id": f"{_oscal_id(activity.code)}_desc",
                                    "name": "overview",
                                    "prose": activity.description,
                                }
                            ]
                            if activity.description
                            else []
                        ),
                        "controls": [control(c) for c in activity.capabilities.all()],
                    }
                    for activity in function.activities.all()
                ],
            }
        )
    return {
        "catalog": {
            "uuid": _uuid(release, "catalog"),
            "metadata": {
                "title": f"FFM Business Capabilities, release {release.name}",
                "last-modified": release.updated_at.isoformat(),
                "version": release.name,
                "oscal-version": OSCAL_VERSION,
            },
            "groups": groups,
        }
    }
