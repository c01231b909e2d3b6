import factory

from standards.models import (
    Activity,
    Capability,
    CapabilityKind,
    ChangeLogEntry,
    DataElement,
    Exchange,
    ExchangeSpecification,
    ExchangeSystem,
    Function,
    Reference,
    ReleaseStatus,
    Report,
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


def add_release_items(release) -> None:
    """One of each newer kind: a data element, a reference (7), an exchange system
    with one exchange and its specification (position 1), a report (position 1) and
    a change log entry, linked the way an import links them."""
    element = DataElement.objects.create(release=release, label="AgencyIdentifier")
    Reference.objects.create(
        release=release, code="(7)", number=7, name="A law", reference_type="Other"
    )
    system = ExchangeSystem.objects.create(release=release, position=1, name="GTAS")
    spec = ExchangeSpecification.objects.create(
        release=release,
        position=1,
        name="FFM-GTAS BIE",
        header_rows=[["Field Name", "FIBF FFM: Data Element Label"]],
        rows=[["AGENCY IDENTIFIER", "AgencyIdentifier"]],
    )
    spec.data_elements.add(element)
    Exchange.objects.create(
        release=release,
        system=system,
        position=1,
        information="Outgoing: balances",
        specification="FFM-GTAS BIE",
        specification_tab=spec,
    )
    report = Report.objects.create(release=release, position=1, name="Trial Balance")
    report.data_elements.add(element)
    ChangeLogEntry.objects.create(
        release=release, workbook="business_capabilities", position=1, section="item"
    )
