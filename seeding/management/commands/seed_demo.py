"""``python manage.py seed_demo``: fill the database with demo content (idempotent).

The demo users have a published password, so the command refuses to run on a
production configuration (``DJANGO_DEBUG`` off) unless given ``--allow-production``.
It prints only what a newcomer needs: what was loaded, where to sign in and as whom.
"""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from django.test.utils import override_settings

from brokering.models import Match, MatchStatus, Need, Round
from catalog.models import Offering, OfferingStatus, Provider
from seeding import demo
from standards.selectors import current_release

PRODUCTION_REFUSAL = (
    "This is a production configuration (DJANGO_DEBUG is off): the demo users have "
    "a published password and the demo content is invented. Run with DJANGO_DEBUG=1, "
    "or pass --allow-production if you really mean to put demo data here."
)
SIGN_IN_URL = "http://127.0.0.1:8000/account/sign-in/"


@contextmanager
def quiet():
    """While seeding: no e-mail (the demo users' addresses are invented) and no log
    lines (per task, or the broker's 'no hostname' warning when Celery runs eagerly);
    errors still stop the command with their traceback."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ):
            yield
    finally:
        logging.disable(previous)


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
        with quiet():
            demo.run()
        self.summary()

    def summary(self) -> None:
        release = current_release()
        published = Offering.objects.filter(status=OfferingStatus.PUBLISHED).count()
        rounds = Round.objects.count()
        write = self.stdout.write
        write(self.style.SUCCESS("Demo data is ready (all of it invented)."))
        write(
            f"  {Provider.objects.count()} providers, {published} published offerings, "
            f"{Need.objects.count()} agency needs, "
            f"{rounds} market research round{pluralize(rounds)}, "
            f"{Match.objects.exclude(status=MatchStatus.PROPOSED).count()} matches "
            f"shortlisted or recommended; standards release "
            f"{release.name if release else '(none)'}."
        )
        write(f"Sign in at {SIGN_IN_URL} as:")
        for user in demo.demo_users():
            write(f"  {user.username:<9} password {demo.DEMO_PASSWORD}  - {user.role}")
