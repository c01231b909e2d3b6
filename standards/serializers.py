"""How the API shows the standards: stable IDs (release names, codes) throughout."""

from rest_framework import serializers

from standards.models import (
    Activity,
    Capability,
    CapabilityKind,
    Function,
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
            "function_code",
            "activity_code",
            "release",
        ]


# --- query parameters ------------------------------------------------------------


class ActivityQuerySerializer(serializers.Serializer):
    function = serializers.RegexField(
        r"^(?:FFM|DEMO)\.\d{3}$",
        required=False,
        allow_blank=True,
        help_text="Only activities of this function (for example FFM.010).",
    )


class CapabilityQuerySerializer(serializers.Serializer):
    function = serializers.RegexField(
        r"^(?:FFM|DEMO)\.\d{3}$",
        required=False,
        allow_blank=True,
        help_text="Only capabilities of this function (for example FFM.010).",
    )
    activity = serializers.RegexField(
        r"^(?:FFM|DEMO)\.\d{3}\.\d{3}$",
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
        r"^(?:FFM|DEMO)\.\d{3}$",
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
