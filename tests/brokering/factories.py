import factory

from brokering.models import Agency


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("cgac_code",)

    name = factory.Sequence(lambda n: f"Department of Testing {n}")
    abbreviation = factory.Sequence(lambda n: f"DOT{n}")
    cgac_code = factory.Sequence(lambda n: f"{900 + n % 100:03d}")
