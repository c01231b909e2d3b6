"""How the API shows the standards: stable IDs (release names, codes) throughout."""

from rest_framework import serializers

from standards.identifiers import ACTIVITY_CODE, FUNCTION_CODE
from standards.models import (
    Activity,
    Capability,
    CapabilityKind,
    DataElement,
    Exchange,
    ExchangeSpecification,
    Function,
    Reference,
    Report,
    ServiceMeasure,
    StandardsRelease,
)


class ReleaseSerializer(serializers.ModelSerializer):
    function_count = serializers.IntegerField(read_only=True)
    activity_count = serializers.IntegerField(read_only=True)
    capability_count = serializers.IntegerField(read_only=True)
    measure_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = StandardsRelease
        fields = [
            "name",
            "status",
            "published_on",
            "notes",
            "updated_at",
            "function_count",
            "activity_count",
            "capability_count",
            "measure_count",
        ]


class FunctionSerializer(serializers.ModelSerializer):
    release = serializers.CharField(source="release.name", read_only=True)

    class Meta:
        model = Function
        fields = ["code", "name", "description", "release"]


class ActivitySerializer(serializers.ModelSerializer):
    release = serializers.CharField(source="release.name", read_only=True)
    function = serializers.CharField(source="function.code", read_only=True)

    class Meta:
        model = Activity
        fields = ["code", "name", "description", "references", "function", "release"]


class CapabilitySerializer(serializers.ModelSerializer):
    release = serializers.CharField(source="release.name", read_only=True)
    function = serializers.CharField(source="function.code", read_only=True)
    activity = serializers.CharField(source="activity.code", read_only=True)

    class Meta:
        model = Capability
        fields = [
            "code",
            "kind",
            "statement",
            "authoritative_references",
            "other_references",
            "goal_group_id",
            "goal_group_name",
            "ffmsr_id",
            "function",
            "activity",
            "release",
        ]


class ServiceMeasureSerializer(serializers.ModelSerializer):
    release = serializers.CharField(source="release.name", read_only=True)

    class Meta:
        model = ServiceMeasure
        fields = [
            "code",
            "name",
            "description",
            "target",
            "category",
            "level_type",
            "measure_type",
            "frequency",
            "formula",
            "functional_area",
            "rationale",
            "performing_organization",
            "reporting_organization",
            "accountable_organization",
            "method",
            "reporting_level",
            "source",
            "source_detail",
            "function_code",
            "activity_code",
            "release",
        ]


DATA_ELEMENT_FIELDS = [
    "label",
    "functional_area",
    "steward",
    "definition",
    "activity_references",
    "capability_references",
    "references",
    "data_group",
    "exchanges",
    "reports",
    "data_type",
    "element_format",
    "min_length",
    "max_length",
    "example_value",
    "domain_values",
    "master_reference_data",
    "validations",
    "related_elements",
]


class DataElementSerializer(serializers.ModelSerializer):
    release = serializers.CharField(source="release.name", read_only=True)

    class Meta:
        model = DataElement
        fields = [*DATA_ELEMENT_FIELDS, "release"]


class DataElementDetailSerializer(DataElementSerializer):
    cited_references: serializers.SlugRelatedField[Reference] = (
        serializers.SlugRelatedField(
            source="reference_links", slug_field="code", many=True, read_only=True
        )
    )
    used_in_specifications: serializers.SlugRelatedField[ExchangeSpecification] = (
        serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    )
    used_in_reports: serializers.SlugRelatedField[Report] = (
        serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    )

    class Meta(DataElementSerializer.Meta):
        fields = [
            *DataElementSerializer.Meta.fields,
            "cited_references",
            "used_in_specifications",
            "used_in_reports",
        ]


class ReferenceSerializer(serializers.ModelSerializer):
    release = serializers.CharField(source="release.name", read_only=True)

    class Meta:
        model = Reference
        fields = [
            "code",
            "number",
            "name",
            "reference_type",
            "kind",
            "retired",
            "release",
        ]


class ExchangeSerializer(serializers.ModelSerializer):
    release = serializers.CharField(source="release.name", read_only=True)
    system = serializers.CharField(source="system.name", read_only=True)
    system_area = serializers.CharField(source="system.area", read_only=True)
    system_description = serializers.CharField(
        source="system.description", read_only=True
    )
    system_url = serializers.CharField(source="system.url", read_only=True)
    system_manager = serializers.CharField(source="system.manager", read_only=True)
    direction = serializers.CharField(read_only=True)
    specification_tab = serializers.IntegerField(
        source="specification_tab.position",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Position of the specification tab (see specifications/).",
    )

    class Meta:
        model = Exchange
        fields = [
            "position",
            "system",
            "system_area",
            "system_description",
            "system_url",
            "system_manager",
            "direction",
            "information",
            "requirement",
            "specification",
            "functions",
            "activities",
            "use_cases",
            "specification_tab",
            "release",
        ]


def _table_field() -> serializers.ListField:
    """A workbook tab's rows: lists of cell texts."""
    return serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        read_only=True,
    )


class SpecificationSerializer(serializers.ModelSerializer):
    release = serializers.CharField(source="release.name", read_only=True)
    header_rows = _table_field()
    rows = _table_field()
    data_elements: serializers.SlugRelatedField[DataElement] = (
        serializers.SlugRelatedField(slug_field="label", many=True, read_only=True)
    )

    class Meta:
        model = ExchangeSpecification
        fields = [
            "position",
            "name",
            "notes",
            "header_rows",
            "rows",
            "data_elements",
            "release",
        ]


class ReportSerializer(serializers.ModelSerializer):
    release = serializers.CharField(source="release.name", read_only=True)

    class Meta:
        model = Report
        fields = [
            "position",
            "name",
            "function",
            "activity",
            "description",
            "specification",
            "use_cases",
            "selection_parameters",
            "release",
        ]


class ReportDetailSerializer(ReportSerializer):
    header_rows = _table_field()
    rows = _table_field()
    data_elements: serializers.SlugRelatedField[DataElement] = (
        serializers.SlugRelatedField(slug_field="label", many=True, read_only=True)
    )

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            "header_rows",
            "rows",
            "data_elements",
        ]


# --- query parameters ------------------------------------------------------------


class ActivityQuerySerializer(serializers.Serializer):
    function = serializers.RegexField(
        FUNCTION_CODE,
        required=False,
        allow_blank=True,
        help_text="Only activities of this function (for example FFM.010).",
    )


class CapabilityQuerySerializer(serializers.Serializer):
    function = serializers.RegexField(
        FUNCTION_CODE,
        required=False,
        allow_blank=True,
        help_text="Only capabilities of this function (for example FFM.010).",
    )
    activity = serializers.RegexField(
        ACTIVITY_CODE,
        required=False,
        allow_blank=True,
        help_text="Only capabilities of this activity (for example FFM.010.010).",
    )
    kind = serializers.ChoiceField(
        choices=CapabilityKind.choices,
        required=False,
        allow_blank=True,
        help_text="I (input), P (process) or O (output).",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words to find in the capability's code, statement or references.",
    )


class ServiceMeasureQuerySerializer(serializers.Serializer):
    function = serializers.RegexField(
        FUNCTION_CODE,
        required=False,
        allow_blank=True,
        help_text="Only measures of this function (FFM.000 for those of all).",
    )
    category = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Only measures of this category.",
    )
    type = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Only measures of this type.",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words in the code, name or text.",
    )


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words to find (every word must appear).",
    )


class ReferenceQuerySerializer(SearchQuerySerializer):
    type = serializers.ChoiceField(
        choices=["authoritative", "other", "data_standard", "retired"],
        required=False,
        allow_blank=True,
        help_text="Only references of this type, or only retired ones.",
    )
