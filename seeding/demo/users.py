"""Demo agencies and users, one per role (two agency users, so that two agencies
have needs), from ``seeding/data/people.json``. Their password is printed on purpose:
``make run`` builds a local demo database, and ``seed_demo`` refuses a production
configuration unless told otherwise."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from brokering.agencies import CFO_ACT_AGENCIES
from brokering.models import Agency
from catalog.models import Provider
from seeding.demo import catalog
from seeding.loader import load

# Demo accounts only: make run prints this password for local use.
DEMO_PASSWORD = "demo-password-2025"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    full_name: str


def demo_users() -> list[DemoUser]:
    return [
        DemoUser(row["username"], row["role"], row["full_name"])
        for row in load("people.json")["users"]
    ]


@transaction.atomic
def seed_agencies() -> int:
    """The 24 CFO Act agencies (reference data: no demo content names them) and the
    fictional demo agencies; running it twice changes nothing. Returns how many were
    created."""
    rows = [
        {"name": name, "abbreviation": abbreviation, "cgac_code": cgac}
        for name, abbreviation, cgac in CFO_ACT_AGENCIES
    ] + load("people.json")["agencies"]
    created = 0
    for row in rows:
        _, new = Agency.objects.get_or_create(
            cgac_code=row["cgac_code"],
            defaults={"name": row["name"], "abbreviation": row["abbreviation"]},
        )
        created += int(new)
    return created


@transaction.atomic
def seed_users() -> list[DemoUser]:
    """Create the demo users that are missing; running it twice changes nothing.

    A user that already exists keeps its password (and everything else): the demo
    password is published, so it is only ever given to accounts this step creates.
    """
    seed_agencies()
    catalog.seed_providers()
    agencies = {agency.abbreviation: agency for agency in Agency.objects.all()}
    user_model = get_user_model()
    for row in load("people.json")["users"]:
        first, last = row["full_name"].split(" ", 1)
        provider = row.get("provider")
        user, created = user_model.objects.get_or_create(
            username=row["username"],
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{row['username']}@demo.example.com",
                "agency": agencies[row["agency"]] if "agency" in row else None,
                "provider": (Provider.objects.get(slug=provider) if provider else None),
                "is_staff": row.get("staff", False),
                "is_superuser": row.get("superuser", False),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    return demo_users()
