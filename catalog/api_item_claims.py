"""API of claims on service measures, information exchanges and pre-built reports:
a published offering's (public) and a provider's own (read and state them).

Each row is an item of the offering's release with the offering's claim on it (or
none), read by :func:`catalog.selectors.item_claims.offering_item_claims`; writes go
through the one claims writer (:func:`catalog.services.claims_save`). Capabilities
have their own endpoints (``…/claims/``)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from catalog import selectors
from catalog.api import SLUG, _ProviderScoped
from catalog.selectors.item_claims import ItemClaimRow, offering_item_claims
from catalog.serializers import ItemClaimRowSerializer, ItemClaimWriteSerializer
from catalog.services.claims import ItemClaimInput, claims_save
from marketplace.api import PublicReadOnly

KIND = OpenApiParameter(
    "kind",
    str,
    enum=["measure", "exchange", "report"],
    description="Only the items of this kind.",
)
MAX_WRITES = 1000  # claims one PUT may state


def _rows(offering, kind: str | None) -> list[ItemClaimRow]:
    return [
        row
        for section in offering_item_claims(offering)
        if kind in (None, "", section.kind)
        for row in section.rows
    ]


@extend_schema(tags=["catalog"], parameters=[SLUG, KIND])
class OfferingItemClaimList(generics.ListAPIView):
    """Every service measure, information exchange and pre-built report of a
    published offering's release with the offering's claim (``level`` null: no
    claim, which counts as unknown)."""

    permission_classes = [PublicReadOnly]
    serializer_class = ItemClaimRowSerializer

    def get_queryset(self):
        offering = selectors.offering_get(self.kwargs["slug"])
        if offering is None:
            raise Http404
        return _rows(offering, self.request.query_params.get("kind"))


@extend_schema(tags=["provider"], parameters=[SLUG])
class ProviderItemClaimList(_ProviderScoped, generics.ListAPIView):
    """The claims of one of your offerings on measures, exchanges and reports
    (every item of its release, claimed or not). ``PUT`` a list of claims to state
    them at once (level "" removes one); items not listed are left alone, a list
    with any bad claim writes nothing; the answer says how many claims changed."""

    serializer_class = ItemClaimRowSerializer

    @extend_schema(parameters=[KIND])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return _rows(self.own_offering(), self.request.query_params.get("kind"))

    @extend_schema(
        request=ItemClaimWriteSerializer(many=True),
        responses=inline_serializer(
            "ItemClaimsSaved",
            {"changed": serializers.IntegerField(help_text="Claims written.")},
        ),
    )
    def put(self, request, slug):
        offering = self.own_offering()
        if not isinstance(request.data, list) or len(request.data) > MAX_WRITES:
            raise ValidationError(
                {"claims": [f"Send a list of at most {MAX_WRITES} claims."]}
            )
        data = ItemClaimWriteSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        refs = {row.ref.code: row.ref for row in _rows(offering, None)}
        unknown = {
            str(n): {"item": [f"“{claim['item']}” is not an item of the release."]}
            for n, claim in enumerate(data.validated_data)
            if claim["item"] not in refs
        }
        if unknown:
            raise ValidationError(unknown)
        changed = claims_save(
            offering=offering,
            by=request.user,
            claims=[
                ItemClaimInput(
                    kind=refs[claim["item"]].kind,
                    item_id=refs[claim["item"]].pk,
                    level=claim["level"],
                    roadmap_date=claim.get("roadmap_date"),
                    evidence=claim.get("evidence", ""),
                    evidence_url=claim.get("evidence_url", ""),
                )
                for claim in data.validated_data
            ],
        )
        return Response({"changed": changed})
