"""``python manage.py seed_demo``: fill the database with demo content (idempotent).

The demo users have a published password, so the command refuses to run on a
production configuration (``DJANGO_DEBUG`` off) unless given ``--allow-production``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from marketplace import demo

# Each step is idempotent and may rely on the ones before it. Data flows one way:
# standards, then catalog, then brokering (agencies before users, needs after).
STEPS = [
    "standards.demo.seed",
    "catalog.demo.seed",
    "brokering.demo.seed_agencies",
    "marketplace.demo.seed_users",
    "catalog.workflow_demo.seed",
    "brokering.demo.seed_needs",
]

PRODUCTION_REFUSAL = (
    "This is a production configuration (DJANGO_DEBUG is off): the demo users have "
    "a published password and the demo content is invented. Run with DJANGO_DEBUG=1, "
    "or pass --allow-production if you really mean to put demo data here."
)


class Command(BaseCommand):
    help = "Create demo users (one per role) and demo content. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DJANGO_DEBUG is off (a production configuration).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(PRODUCTION_REFUSAL)
        for step in STEPS:
            self.stdout.write(f"- {step}")
            import_string(step)()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/account/sign-in/ as:")
        for user in demo.DEMO_USERS:
            self.stdout.write(
                f"  {user.username:<10} password {demo.DEMO_PASSWORD}  - {user.role}"
            )
