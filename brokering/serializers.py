"""How the API shows and takes agencies' needs, scoring runs and matches.

Serializers shape and type-check; the need rules the pages apply (the go-live window,
for one) are applied by the same form, and writes go through :mod:`brokering.services`.
"""

from rest_framework import serializers

from brokering.models import (
    Match,
    MatchStatus,
    Need,
    NeedItem,
    NeedStatus,
    Priority,
    ScoringRun,
)
from brokering.scoring.inputs import awaits_answer
from catalog.models import DeploymentModel, ImpactLevel, ProviderKind
from standards.models import Capability

CODE_LENGTH: int = Capability._meta.get_field("code").max_length or 0


class NeedSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.abbreviation", read_only=True)
    release = serializers.CharField(source="release.name", read_only=True)

    class Meta:
        model = Need
        fields = [
            "id",
            "title",
            "status",
            "agency",
            "release",
            "go_live_date",
            "accepted_provider_kinds",
            "minimum_impact_level",
            "accepted_deployment_models",
            "created_at",
            "updated_at",
            "activated_at",
        ]


class NeedWriteSerializer(serializers.Serializer):
    """A need's title, go-live date and constraints, and the FIBF functions in scope
    (their capabilities come in as *should*; set priorities on ``items``)."""

    title = serializers.CharField(max_length=200)
    go_live_date = serializers.DateField()
    accepted_provider_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ProviderKind.choices),
        required=False,
        default=list,
        max_length=len(ProviderKind.choices),
        help_text="Empty: any provider kind.",
    )
    minimum_impact_level = serializers.ChoiceField(
        choices=ImpactLevel.choices, required=False, allow_blank=True, default=""
    )
    accepted_deployment_models = serializers.ListField(
        child=serializers.ChoiceField(choices=DeploymentModel.choices),
        required=False,
        default=list,
        max_length=len(DeploymentModel.choices),
        help_text="Empty: any deployment model.",
    )
    functions = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        max_length=100,
        help_text="Codes of the FIBF functions in scope, e.g. FFM.010. Given: the "
        "need's items become these functions' capabilities (kept items keep their "
        "priority).",
    )


class NeedItemSerializer(serializers.ModelSerializer):
    """A need item of any kind. ``id``: the item's ID (a capability or measure
    code, ``EX-<n>``, ``RPT-<n>``, or the agency's own ID); ``capability``: the
    capability code (capabilities only). The view passes the release's items as
    ``refs`` in the context."""

    id = serializers.SerializerMethodField()
    capability = serializers.CharField(
        source="capability.code", read_only=True, allow_null=True, default=None
    )
    function = serializers.SerializerMethodField()
    statement = serializers.SerializerMethodField()
    awaiting_answer = serializers.SerializerMethodField(
        help_text="The catalog cannot answer it (an agency requirement, or a "
        "measure at the agency's target): left out of the catalog score."
    )

    class Meta:
        model = NeedItem
        fields = [
            "kind",
            "id",
            "capability",
            "function",
            "statement",
            "priority",
            "rationale",
            "target",
            "authority",
            "awaiting_answer",
        ]

    def _ref(self, item):
        return self.context.get("refs", {}).get((item.kind, item.item_id))

    def get_id(self, item) -> str:
        if item.kind == "agency":
            return item.code
        ref = self._ref(item)
        return ref.code if ref else ""

    def get_function(self, item) -> str:
        if item.kind == "agency":
            return item.function.code if item.function else ""
        ref = self._ref(item)
        return ref.function if ref else ""

    def get_statement(self, item) -> str:
        if item.kind == "agency":
            return item.statement
        ref = self._ref(item)
        return ref.label if ref else ""

    def get_awaiting_answer(self, item) -> bool:
        return awaits_answer(item.kind, item.target, self._ref(item))


class PrioritiesSerializer(serializers.Serializer):
    priorities = serializers.DictField(
        child=serializers.ChoiceField(choices=Priority.choices),
        allow_empty=False,
        help_text="Capability code to priority (must, should, could), for items "
        "already in the need.",
    )

    def validate_priorities(self, value: dict) -> dict:
        # Keys are not fields, so nothing else checks them before the database does.
        bad = [code for code in value if "\x00" in code or len(code) > CODE_LENGTH]
        if bad:
            raise serializers.ValidationError(
                f"Not capability codes: {', '.join(repr(code[:30]) for code in bad)}."
            )
        return value


class ScoringRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringRun
        fields = [
            "id",
            "status",
            "reason",
            "attempts",
            "matches_written",
            "error",
            "queued_at",
            "started_at",
            "finished_at",
        ]


class MatchOfferingSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    provider = serializers.CharField(source="provider.name")


class FunctionBreakdownSerializer(serializers.Serializer):
    function = serializers.CharField()
    items = serializers.IntegerField()
    weight = serializers.IntegerField()
    earned = serializers.IntegerField(help_text="Sum of weight x credit, hundredths.")
    gaps = serializers.IntegerField()


class MatchSerializer(serializers.ModelSerializer):
    offering = MatchOfferingSerializer(read_only=True)
    breakdown = serializers.ListField(
        child=FunctionBreakdownSerializer(), read_only=True
    )
    gaps = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Codes of must items credited below 0.9.",
    )
    ineligible_reasons = serializers.ListField(
        child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = Match
        fields = [
            "id",
            "offering",
            "score",
            "eligible",
            "ineligible_reasons",
            "gaps_count",
            "gaps",
            "breakdown",
            "status",
            "notes",
            "scoring_version",
            "computed_at",
        ]


class ExplanationLineSerializer(serializers.Serializer):
    capability = serializers.CharField(source="line.item.capability")
    function = serializers.CharField(source="line.item.function")
    statement = serializers.CharField()
    priority = serializers.CharField(source="line.item.priority")
    weight = serializers.IntegerField(source="line.weight")
    level = serializers.CharField(
        source="line.level", allow_null=True, help_text="null: no claim (unknown)."
    )
    roadmap_date = serializers.DateField(source="line.roadmap_date", allow_null=True)
    credit = serializers.FloatField(help_text="0 to 1.")
    contribution = serializers.FloatField(help_text="weight x credit.")
    gap = serializers.BooleanField(source="line.is_gap")
    evidence = serializers.CharField(allow_blank=True)
    evidence_url = serializers.CharField(allow_blank=True)
    verified = serializers.BooleanField()

    def to_representation(self, row):
        claim = row["claim"]
        return super().to_representation(
            {
                **row,
                "credit": row["line"].credit / 100,
                "contribution": row["line"].contribution / 100,
                "evidence": claim.evidence if claim else "",
                "evidence_url": claim.evidence_url if claim else "",
                "verified": bool(claim and claim.verified),
            }
        )


class ExplanationSerializer(serializers.Serializer):
    score = serializers.FloatField()
    total_weight = serializers.IntegerField()
    earned = serializers.FloatField(help_text="Sum of weight x credit.")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why the offering is not eligible."
    )
    lines = ExplanationLineSerializer(many=True)
    awaiting = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        help_text="Items awaiting the provider's answer (agency requirements, "
        "measures at the agency's target): left out of the score's sums.",
    )

    def to_representation(self, explanation):
        return super().to_representation(
            {**explanation, "earned": explanation["earned"] / 100}
        )


class MatchDetailSerializer(MatchSerializer):
    explanation = ExplanationSerializer(read_only=True)

    class Meta(MatchSerializer.Meta):
        fields = [*MatchSerializer.Meta.fields, "explanation"]


# --- query parameters ---------------------------------------------------------------


class NeedQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=NeedStatus.choices, required=False, allow_blank=True
    )


class MatchQuerySerializer(serializers.Serializer):
    eligible = serializers.BooleanField(
        required=False, help_text="true: eligible offerings only."
    )
    status = serializers.ChoiceField(
        choices=MatchStatus.choices, required=False, allow_blank=True
    )
