"""API shapes of market research rounds. The agency is named to providers only
when the round allows it (``agency`` comes from
:func:`brokering.rounds.selectors.agency_shown`)."""

from rest_framework import serializers

from brokering.models import Answer, Invitation, Round
from brokering.rounds import selectors


class RoundSerializer(serializers.ModelSerializer):
    need_id = serializers.IntegerField(read_only=True)
    invited_count = serializers.IntegerField(read_only=True)
    submitted_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "need_id",
            "title",
            "status",
            "due_at",
            "anonymous",
            "opened_at",
            "closed_at",
            "invited_count",
            "submitted_count",
        ]


class ResultSerializer(serializers.Serializer):
    offering_id = serializers.IntegerField()
    offering = serializers.CharField()
    provider = serializers.CharField()
    response_status = serializers.CharField()
    catalog_score = serializers.FloatField()
    response_score = serializers.FloatField(allow_null=True)
    ranked_on = serializers.CharField(help_text="'response' or 'catalog'.")
    above_catalog = serializers.ListField(child=serializers.CharField())
    one_time_cost = serializers.DecimalField(14, 2, allow_null=True)
    annual_cost = serializers.DecimalField(14, 2, allow_null=True)
    timeline_months = serializers.IntegerField(allow_null=True)
    fits_go_live = serializers.BooleanField(allow_null=True)


class RoundDetailSerializer(RoundSerializer):
    results = serializers.SerializerMethodField(
        help_text="Invited offerings in rank order (see ResultSerializer)."
    )
    package_digest = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "results", "package_digest"]

    def get_results(self, round: Round) -> list[dict]:
        rows = []
        for row in selectors.round_results(round=round):
            invitation = row["invitation"]
            rows.append(
                {
                    "offering_id": invitation.offering_id,
                    "offering": invitation.offering.name,
                    "provider": invitation.offering.provider.name,
                    "response_status": invitation.status,
                    "catalog_score": row["catalog"]["score"],
                    "response_score": invitation.response_score
                    if row["responded"]
                    else None,
                    "ranked_on": "response" if row["responded"] else "catalog",
                    "above_catalog": invitation.above_catalog,
                    "one_time_cost": invitation.one_time_cost,
                    "annual_cost": invitation.annual_cost,
                    "timeline_months": invitation.timeline_months,
                    "fits_go_live": invitation.fits_go_live,
                }
            )
        return list(ResultSerializer(rows, many=True).data)

    def get_package_digest(self, round: Round) -> str | None:
        decision = getattr(round, "decision", None)
        return decision.digest if decision else None


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Answer
        fields = ["item_id", "level", "roadmap_date", "comment", "document_id"]


class RequestSerializer(serializers.ModelSerializer):
    """An invitation as its provider sees it, with its own response."""

    round_title = serializers.CharField(source="round.title")
    round_status = serializers.CharField(source="round.status")
    due_at = serializers.DateTimeField(source="round.due_at")
    need_title = serializers.CharField(source="round.need.title")
    agency = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "round_title",
            "round_status",
            "due_at",
            "need_title",
            "agency",
            "offering_id",
            "status",
            "submitted_at",
        ]

    def get_agency(self, invitation: Invitation) -> str:
        return selectors.agency_shown(round=invitation.round)


class RequestDetailSerializer(RequestSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(RequestSerializer.Meta):
        fields = [
            *RequestSerializer.Meta.fields,
            "one_time_cost",
            "annual_cost",
            "pricing_basis",
            "assumptions",
            "timeline_months",
            "fits_go_live",
            "customer_references",
            "answers",
        ]
