import datetime

import factory

from brokering.models import Agency, Match, Need, NeedItem, NeedStatus, Priority
from tests.standards.factories import CapabilityFactory, ReleaseFactory


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("cgac_code",)

    name = factory.Sequence(lambda n: f"Department of Testing {n}")
    abbreviation = factory.Sequence(lambda n: f"DOT{n}")
    cgac_code = factory.Sequence(lambda n: f"{900 + n % 100:03d}")


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    agency = factory.SubFactory(AgencyFactory)
    release = factory.SubFactory(ReleaseFactory)
    title = factory.Sequence(lambda n: f"Need {n}")
    go_live_date = datetime.date(2028, 10, 1)
    status = NeedStatus.DRAFT


class NeedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedItem

    need = factory.SubFactory(NeedFactory)
    capability = factory.SubFactory(
        CapabilityFactory, release=factory.SelfAttribute("..need.release")
    )
    priority = Priority.SHOULD


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    need = factory.SubFactory(NeedFactory)
    offering = factory.SubFactory(
        "tests.catalog.factories.OfferingFactory",
        release=factory.SelfAttribute("..need.release"),
    )
    score = 50.0
    eligible = True
    fingerprint = "0" * 64
    scoring_version = "1"
    computed_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
