"""``python manage.py seed_demo``: fill the database with demo content (idempotent)."""

from django.core.management.base import BaseCommand
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


class Command(BaseCommand):
    help = "Create demo users (one per role) and demo content. Safe to run again."

    def handle(self, *args, **options):
        for step in STEPS:
            self.stdout.write(f"- {step}")
            import_string(step)()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/account/sign-in/ as:")
        for user in demo.DEMO_USERS:
            self.stdout.write(
                f"  {user.username:<10} password {demo.DEMO_PASSWORD}  - {user.role}"
            )
