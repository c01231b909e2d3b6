import factory

from standards.models import (
    Activity,
    Capability,
    CapabilityKind,
    DataElement,
    Function,
    ReleaseStatus,
    ServiceMeasure,
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


class ServiceMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceMeasure
        django_get_or_create = ("release", "code", "name")

    activity = factory.SubFactory(ActivityFactory)
    release = factory.SelfAttribute("activity.release")
    function_code = factory.SelfAttribute("activity.function.code")
    activity_code = factory.SelfAttribute("activity.code")
    code = factory.LazyAttributeSequence(
        lambda m, n: f"{m.activity.code}.{(n % 9000) + 11:04d}"
    )
    name = factory.Sequence(lambda n: f"Measure {n}")
    target = ">=95%"
    category = "Customer Facing"
    measure_type = "Timeliness"


class DataElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataElement
        django_get_or_create = ("release", "label")

    release = factory.SubFactory(ReleaseFactory)
    label = factory.Sequence(lambda n: f"Element{n}")
    definition = factory.Sequence(lambda n: f"Definition of element {n}.")
