"""API shapes of market research rounds. The agency is named to providers only
when the round allows it (``agency`` comes from
:func:`brokering.rounds.selectors.agency_shown`)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from brokering.models import Answer, Invitation, Question, Round
from brokering.rounds import selectors
from brokering.rounds.forms import MONEY_LIMIT, TEXT_LIMIT, future_day
from brokering.rounds.services import AnswerInput, ResponseInput
from catalog.models import ClaimLevel
from marketplace.validators import plausible_date

MAX_INVITED = 500  # offerings one round may invite through the API
MAX_ANSWERS = 5000  # answers one PUT may carry


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


class QuestionSerializer(serializers.ModelSerializer):
    """A question on the round as the agency sees it (which provider asked)."""

    provider = serializers.CharField(source="invitation.offering.provider.name")

    class Meta:
        model = Question
        fields = ["id", "provider", "text", "asked_at", "reply", "replied_at"]


class RoundDetailSerializer(RoundSerializer):
    results = serializers.SerializerMethodField(
        help_text="Invited offerings in rank order (see ResultSerializer)."
    )
    questions = serializers.SerializerMethodField()
    package_digest = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [
            *RoundSerializer.Meta.fields,
            "results",
            "questions",
            "package_digest",
        ]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, round: Round) -> list[dict]:
        questions = selectors.round_questions(round=round)
        return list(QuestionSerializer(questions, many=True).data)

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


# --- writes -------------------------------------------------------------------------


class RoundOpenSerializer(serializers.Serializer):
    need_id = serializers.IntegerField(help_text="An active need of your agency.")
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField(
        validators=[future_day],
        help_text="Responses are accepted until the end of this day.",
    )
    offering_ids = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=1,
        max_length=MAX_INVITED,
        help_text="Published offerings of the need's release to invite.",
    )
    anonymous = serializers.BooleanField(
        default=True, help_text="Do not name the agency to providers."
    )
    instructions = serializers.CharField(
        max_length=TEXT_LIMIT, allow_blank=True, default=""
    )


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_LIMIT)


class AnswerWriteSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(help_text="A need item's ID (see answers).")
    level = serializers.ChoiceField(
        choices=["", *ClaimLevel.values], allow_blank=True, default=""
    )
    roadmap_date = serializers.DateField(
        allow_null=True, default=None, validators=[plausible_date]
    )
    comment = serializers.CharField(max_length=TEXT_LIMIT, allow_blank=True, default="")
    document_id = serializers.IntegerField(
        allow_null=True, default=None, help_text="One of the offering's documents."
    )

    def validate(self, attrs: dict) -> dict:
        if attrs["level"] == ClaimLevel.ROADMAP and attrs["roadmap_date"] is None:
            raise serializers.ValidationError(
                {"roadmap_date": "A roadmap answer needs the date it is promised for."}
            )
        return attrs


class ResponseWriteSerializer(serializers.Serializer):
    """The whole response's price and timeline (omitted fields are cleared) and
    answers by item (items not listed are left as they are)."""

    one_time_cost = serializers.DecimalField(
        14, 2, min_value=0, max_value=MONEY_LIMIT, allow_null=True, default=None
    )
    annual_cost = serializers.DecimalField(
        14, 2, min_value=0, max_value=MONEY_LIMIT, allow_null=True, default=None
    )
    pricing_basis = serializers.CharField(max_length=200, allow_blank=True, default="")
    assumptions = serializers.CharField(
        max_length=TEXT_LIMIT, allow_blank=True, default=""
    )
    timeline_months = serializers.IntegerField(
        min_value=0, max_value=240, allow_null=True, default=None
    )
    fits_go_live = serializers.BooleanField(allow_null=True, default=None)
    customer_references = serializers.CharField(
        max_length=TEXT_LIMIT, allow_blank=True, default=""
    )
    answers = AnswerWriteSerializer(many=True, default=list)

    def validate_answers(self, answers: list[dict]) -> list[dict]:
        if len(answers) > MAX_ANSWERS:
            raise serializers.ValidationError(f"At most {MAX_ANSWERS} answers.")
        items = [answer["item_id"] for answer in answers]
        if len(set(items)) != len(items):
            raise serializers.ValidationError("Each item is answered once.")
        return answers

    def response_input(self) -> ResponseInput:
        data = {k: v for k, v in self.validated_data.items() if k != "answers"}
        return ResponseInput(**data)

    def answer_inputs(self) -> dict[int, AnswerInput]:
        return {
            answer["item_id"]: AnswerInput(
                level=answer["level"],
                roadmap_date=answer["roadmap_date"],
                comment=answer["comment"],
                document_id=answer["document_id"],
            )
            for answer in self.validated_data["answers"]
        }
