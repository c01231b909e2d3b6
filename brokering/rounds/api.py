"""API of market research rounds, read-only, to their parties only: an agency's
rounds to its users (every round to brokers), an invitation and its response to
the invited provider. Anything else answers 404, as on the pages."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from brokering.rounds import selectors
from brokering.rounds.serializers import (
    RequestDetailSerializer,
    RequestSerializer,
    RoundDetailSerializer,
    RoundSerializer,
)
from marketplace.api import AgencyOrBroker, ProviderOnly

ROUND_ID = OpenApiParameter(
    "round_id", int, OpenApiParameter.PATH, description="The round's ID."
)
INVITATION_ID = OpenApiParameter(
    "invitation_id", int, OpenApiParameter.PATH, description="The invitation's ID."
)


class RoundList(generics.ListAPIView):
    """Your agency's market research rounds (brokers: every round)."""

    permission_classes = [AgencyOrBroker]
    serializer_class = RoundSerializer

    def get_queryset(self):
        return selectors.round_list(user=self.request.user)


@extend_schema(parameters=[ROUND_ID])
class RoundDetail(generics.RetrieveAPIView):
    """One round with every invited offering: catalog and response scores side
    by side, items the response claims above the catalog, price and timeline."""

    permission_classes = [AgencyOrBroker]
    serializer_class = RoundDetailSerializer

    def get_object(self):
        found = (
            selectors.round_list(user=self.request.user)
            .filter(pk=self.kwargs["round_id"])
            .first()
        )
        if found is None:
            raise Http404("No such round.")
        return found


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
