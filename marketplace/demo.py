"""Demo users, one per role, for a fresh clone. Their passwords are printed on purpose:
they exist only in the embedded demo database that ``make run`` builds."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from brokering.models import Agency
from catalog.models import Provider, ProviderKind

# Demo accounts only: make run prints this password for local use.
DEMO_PASSWORD = "demo-password-2025"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    full_name: str


DEMO_USERS = [
    DemoUser("agency", "agency user (Department of the Treasury)", "Avery Agency"),
    DemoUser(
        "provider", "provider user (Ledgerline Cloud Financials)", "Parker Provider"
    ),
    DemoUser("broker", "broker (FM QSMO staff)", "Blake Broker"),
    DemoUser("admin", "admin (operator)", "Alex Admin"),
]


@transaction.atomic
def seed_users() -> list[DemoUser]:
    """Create the demo users that are missing; running it twice changes nothing.

    A user that already exists keeps its password (and everything else): the demo
    password is published, so it is only ever given to accounts this step creates.
    """
    agency, _ = Agency.objects.get_or_create(
        cgac_code="020",
        defaults={"name": "Department of the Treasury", "abbreviation": "TREAS"},
    )
    provider, _ = Provider.objects.get_or_create(
        slug="ledgerline-cloud-financials",
        defaults={
            "name": "Ledgerline Cloud Financials",
            "kind": ProviderKind.COMMERCIAL,
            "website": "https://ledgerline.example.com",
            "uei": "LDGRLN2025CF",
        },
    )
    memberships = {
        "agency": {"agency": agency, "provider": None},
        "provider": {"agency": None, "provider": provider},
        "broker": {"is_staff": True},
        "admin": {"is_staff": True, "is_superuser": True},
    }
    user_model = get_user_model()
    for demo in DEMO_USERS:
        first, last = demo.full_name.split(" ", 1)
        user, created = user_model.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{demo.username}@demo.example.gov",
                **memberships[demo.username],
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    return DEMO_USERS
