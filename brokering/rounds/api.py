"""API of market research rounds, to their parties only: an agency's rounds to its
users (every round to brokers, who act on the agency's behalf), an invitation and
its response to the invited provider. Anything else answers 404, as on the pages.

Writes go through the same services as the pages (:mod:`brokering.rounds.services`):
the agency (or a broker) opens a round and answers questions; the provider saves
its response as a draft and submits it. A change the round's state refuses (a
round closed, an incomplete response submitted) answers 409."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from brokering import selectors as need_selectors
from brokering.rounds import selectors, services
from brokering.rounds.forms import round_open_from
from brokering.rounds.serializers import (
    ReplySerializer,
    RequestDetailSerializer,
    RequestSerializer,
    ResponseWriteSerializer,
    RoundDetailSerializer,
    RoundOpenSerializer,
    RoundSerializer,
)
from catalog.models import OfferingDocument
from marketplace.api import AgencyOrBroker, Conflict, ProviderOnly

ROUND_ID = OpenApiParameter(
    "round_id", int, OpenApiParameter.PATH, description="The round's ID."
)
INVITATION_ID = OpenApiParameter(
    "invitation_id", int, OpenApiParameter.PATH, description="The invitation's ID."
)


class _RoundErrors:
    """A change the round's state refuses answers 409 Conflict."""

    def handle_exception(self, exc):
        if isinstance(exc, services.RoundError):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)  # type: ignore[misc]


def _round_of(user, round_id: int):
    found = selectors.round_list(user=user).filter(pk=round_id).first()
    if found is None:
        raise Http404("No such round.")
    return found


class RoundList(generics.ListAPIView):
    """Your agency's market research rounds (brokers: every round). ``POST``
    opens a round on an active need of your agency (a broker: on the agency's
    behalf) and invites the offerings' providers."""

    permission_classes = [AgencyOrBroker]
    serializer_class = RoundSerializer

    def get_queryset(self):
        return selectors.round_list(user=self.request.user)

    @extend_schema(request=RoundOpenSerializer, responses={201: RoundSerializer})
    def post(self, request):
        data = RoundOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        try:
            need = need_selectors.need_get(user=request.user, need_id=given["need_id"])
        except Http404:
            raise ValidationError({"need_id": ["No such need."]}) from None
        try:
            round = round_open_from(
                need=need,
                user=request.user,
                data=given,
                offering_ids=given["offering_ids"],
            )
        except services.RoundError as error:  # what was asked for, not a state
            raise ValidationError([str(error)]) from None
        return Response(
            RoundSerializer(_round_of(request.user, round.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(parameters=[ROUND_ID])
class RoundDetail(generics.RetrieveAPIView):
    """One round with every invited offering: catalog and response scores side
    by side, items the response claims above the catalog, price and timeline."""

    permission_classes = [AgencyOrBroker]
    serializer_class = RoundDetailSerializer

    def get_object(self):
        return _round_of(self.request.user, self.kwargs["round_id"])


@extend_schema(
    parameters=[
        ROUND_ID,
        OpenApiParameter(
            "question_id", int, OpenApiParameter.PATH, description="The question's ID."
        ),
    ]
)
class RoundQuestionReply(_RoundErrors, APIView):
    """Answer a provider's question: the answer is published to every invited
    provider, without the asker's name."""

    permission_classes = [AgencyOrBroker]

    @extend_schema(request=ReplySerializer, responses=RoundDetailSerializer)
    def post(self, request, round_id, question_id):
        round = _round_of(request.user, round_id)
        question = get_object_or_404(round.questions, pk=question_id)
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.question_reply(
            question_id=question.pk, user=request.user, text=data.validated_data["text"]
        )
        return Response(RoundDetailSerializer(_round_of(request.user, round.pk)).data)


class RequestList(generics.ListAPIView):
    """The requests your offerings were invited to."""

    permission_classes = [ProviderOnly]
    serializer_class = RequestSerializer

    def get_queryset(self):
        return selectors.invitations_for_provider(user=self.request.user)


@extend_schema(parameters=[INVITATION_ID])
class RequestDetail(generics.RetrieveAPIView):
    """One request with your response and its answers."""

    permission_classes = [ProviderOnly]
    serializer_class = RequestDetailSerializer

    def get_object(self):
        return selectors.invitation_get(
            user=self.request.user, invitation_id=self.kwargs["invitation_id"]
        )


@extend_schema(parameters=[INVITATION_ID])
class RequestResponse(_RoundErrors, APIView):
    """Save your response as a draft (a submitted one is scored again): price,
    timeline and references as sent, answers for the items listed (the others
    are left as they are). Locked after the due date."""

    permission_classes = [ProviderOnly]

    @extend_schema(request=ResponseWriteSerializer, responses=RequestDetailSerializer)
    def put(self, request, invitation_id):
        invitation = selectors.invitation_get(
            user=request.user, invitation_id=invitation_id
        )
        data = ResponseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answers = data.answer_inputs()
        _check_items(invitation, answers)
        services.response_save(
            invitation_id=invitation.pk,
            user=request.user,
            response=data.response_input(),
            answers=answers,
        )
        return Response(_request(request.user, invitation.pk))


@extend_schema(parameters=[INVITATION_ID])
class RequestSubmit(_RoundErrors, APIView):
    """Submit your response (every item answered) before the due date."""

    permission_classes = [ProviderOnly]

    @extend_schema(request=None, responses=RequestDetailSerializer)
    def post(self, request, invitation_id):
        invitation = selectors.invitation_get(
            user=request.user, invitation_id=invitation_id
        )
        services.response_submit(invitation_id=invitation.pk, user=request.user)
        return Response(_request(request.user, invitation.pk))


def _request(user, invitation_id: int) -> dict:
    invitation = selectors.invitation_get(user=user, invitation_id=invitation_id)
    return dict(RequestDetailSerializer(invitation).data)


def _check_items(invitation, answers: dict) -> None:
    """Answers name the need's items and the offering's documents (400 otherwise,
    by position in ``answers``)."""
    items = set(invitation.round.need.items.values_list("pk", flat=True))
    documents = set(
        OfferingDocument.objects.filter(offering_id=invitation.offering_id).values_list(
            "pk", flat=True
        )
    )
    problems = {}
    for position, (item_id, answer) in enumerate(answers.items()):
        if item_id not in items:
            problems[str(position)] = {"item_id": ["Not an item of the need."]}
        elif answer.document_id is not None and answer.document_id not in documents:
            problems[str(position)] = {
                "document_id": ["Not one of the offering's documents."]
            }
    if problems:
        raise ValidationError({"answers": problems})
