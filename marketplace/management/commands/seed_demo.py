"""``python manage.py seed_demo``: fill the database with demo content (idempotent)."""

from django.core.management.base import BaseCommand

from marketplace import demo


class Command(BaseCommand):
    help = "Create demo users (one per role) and demo content. Safe to run again."

    def handle(self, *args, **options):
        users = demo.seed_users()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/account/sign-in/ as:")
        for user in users:
            self.stdout.write(
                f"  {user.username:<10} password {demo.DEMO_PASSWORD}  - {user.role}"
            )
