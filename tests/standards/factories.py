import factory

from standards.models import (
    Activity,
    Capability,
    CapabilityKind,
    Function,
    ReleaseStatus,
    StandardsRelease,
)


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardsRelease
        django_get_or_create = ("name",)

    name = "FY2099"
    status = ReleaseStatus.CURRENT


class FunctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Function
        django_get_or_create = ("release", "code")

    release = factory.SubFactory(ReleaseFactory)
    code = factory.Sequence(lambda n: f"FFM.{(n % 99 + 1) * 10:03d}")
    name = factory.Sequence(lambda n: f"Function {n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        django_get_or_create = ("release", "code")

    function = factory.SubFactory(FunctionFactory)
    release = factory.SelfAttribute("function.release")
    code = factory.LazyAttributeSequence(
        lambda a, n: f"{a.function.code}.{(n % 99 + 1) * 10:03d}"
    )
    name = factory.Sequence(lambda n: f"Activity {n}")


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capability
        django_get_or_create = ("release", "code")

    activity = factory.SubFactory(ActivityFactory)
    function = factory.SelfAttribute("activity.function")
    release = factory.SelfAttribute("activity.release")
    code = factory.LazyAttributeSequence(
        lambda c, n: f"{c.activity.code}.{(n % 899) + 11:03d}"
    )
    kind = CapabilityKind.PROCESS
    statement = factory.Sequence(lambda n: f"The system records item {n}.")
