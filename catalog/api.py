"""API of the catalog: the public shelf, and providers' own listings.

Public reads use the catalog page's selectors (:func:`catalog.forms.offering_search`
and friends) with the same query parameters, so the API finds what the page finds.
Providers' reads are scoped by :func:`catalog.selectors.provider_offerings` (another
provider's offering answers 404) and every write is a service of
:mod:`catalog.workflow`; a transition refused from the wrong state answers 409.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import forms as catalog_forms
from catalog import selectors, services, workflow
from catalog.documents import document_for, document_response
from catalog.freshness import offering_evidence_expiry
from catalog.models import Offering, OfferingStatus
from catalog.provider.forms import OfferingDetailsForm
from catalog.serializers import (
    ChangeQuerySerializer,
    ChangeSerializer,
    ClaimCreateSerializer,
    ClaimQuerySerializer,
    ClaimRowSerializer,
    ClaimSerializer,
    ClaimWriteSerializer,
    CommentSerializer,
    OfferingDetailSerializer,
    OfferingQuerySerializer,
    OfferingWriteSerializer,
    ProviderOfferingQuerySerializer,
    ProviderOfferingSerializer,
    ProviderQuerySerializer,
    ProviderSerializer,
    PublishedOfferingSerializer,
)
from marketplace.api import Conflict, ProviderOnly, PublicReadOnly, validated_query
from standards.selectors import capability_get

SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The offering's stable slug."
)
CODE = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, description="Capability code (stable ID)."
)


def _search_errors(error: selectors.SearchParamsError) -> ValidationError:
    return ValidationError(error.errors)


def _current_details(offering: Offering) -> dict:
    return {
        **{name: getattr(offering, name) for name in workflow.CONTENT_FIELDS},
        "contract_vehicles": list(offering.contract_vehicles.all()),
    }


def _details(data: dict) -> tuple[dict, list]:
    """The offering's details checked by the provider pages' own form, so the API
    takes what the pages take (a FedRAMP impact level exactly when FedRAMP applies,
    the model's own limits). Returns the service's fields and contract vehicles."""
    date = data.get("accessibility_report_date")
    authorized = data.get("fedramp_authorized_on")
    form = OfferingDetailsForm(
        data={
            **{name: data.get(name) or "" for name in workflow.CONTENT_FIELDS},
            "customer_agencies": "\n".join(data.get("customer_agencies") or []),
            "fedramp_ato_agencies": "\n".join(data.get("fedramp_ato_agencies") or []),
            "accessibility_report_date": date.isoformat() if date else "",
            "fedramp_authorized_on": authorized.isoformat() if authorized else "",
            "contract_vehicles": [v.pk for v in data.get("contract_vehicles") or []],
        },
        # A blank instance: the form's model checks must not touch the real one.
        instance=Offering(),
    )
    if not form.is_valid():
        raise ValidationError(
            {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    return form.service_fields(), list(form.cleaned_data["contract_vehicles"])


# --- public -------------------------------------------------------------------------


@extend_schema(tags=["catalog"], parameters=[ProviderQuerySerializer])
class ProviderList(generics.ListAPIView):
    """Providers with offerings on the shelf."""

    permission_classes = [PublicReadOnly]
    serializer_class = ProviderSerializer

    def get_queryset(self):
        query = validated_query(ProviderQuerySerializer, self.request)
        return selectors.provider_list(kind=query.get("kind", ""))


@extend_schema(
    tags=["catalog"],
    parameters=[
        OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Slug.")
    ],
)
class ProviderDetail(generics.RetrieveAPIView):
    """One provider with offerings on the shelf."""

    permission_classes = [PublicReadOnly]
    serializer_class = ProviderSerializer

    def get_object(self):
        provider = selectors.provider_get(self.kwargs["slug"])
        if provider is None:
            raise Http404
        return provider


@extend_schema(tags=["catalog"], parameters=[OfferingQuerySerializer])
class OfferingList(generics.ListAPIView):
    """Published offerings: the catalog's search, facets as filters, and sorts.

    Within one filter, repeated values are alternatives (any of them), except
    ``function``: an offering must cover every function given.
    """

    permission_classes = [PublicReadOnly]
    serializer_class = PublishedOfferingSerializer

    def get_queryset(self):
        try:
            return catalog_forms.offering_search(
                self.request.query_params, with_facets=False
            ).queryset
        except selectors.SearchParamsError as error:
            raise _search_errors(error) from error


@extend_schema(tags=["catalog"], parameters=[SLUG])
class OfferingDetail(generics.RetrieveAPIView):
    """One published offering, with its coverage of its release's capabilities and
    its evidence documents."""

    permission_classes = [PublicReadOnly]
    serializer_class = OfferingDetailSerializer

    def get_object(self):
        offering = selectors.offering_get(self.kwargs["slug"])
        if offering is None:
            raise Http404
        return offering


@extend_schema(
    tags=["catalog"],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
)
class DocumentDownload(APIView):
    """An evidence document's file (PDF, XLSX or DOCX), as an attachment: for agency
    users once the offering is published, for brokers, and for the offering's
    provider; anyone else gets 404."""

    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, pk: int):
        return document_response(document_for(request.user, pk))


@extend_schema(tags=["catalog"], parameters=[SLUG, ClaimQuerySerializer])
class OfferingClaimList(generics.ListAPIView):
    """Every capability of a published offering's release with the offering's claim
    (``level`` null: the offering makes no claim, which counts as unknown)."""

    permission_classes = [PublicReadOnly]
    serializer_class = ClaimRowSerializer

    def get_queryset(self):
        offering = selectors.offering_get(self.kwargs["slug"])
        if offering is None:
            raise Http404
        try:
            table = catalog_forms.offering_claims_for_params(
                offering, self.request.query_params
            )
        except selectors.SearchParamsError as error:
            raise _search_errors(error) from error
        self.evidence_expires_on = offering_evidence_expiry(offering.pk)
        return table.rows

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "evidence_expires_on": getattr(self, "evidence_expires_on", None),
        }


@extend_schema(tags=["changes"], parameters=[ChangeQuerySerializer])
class ChangeList(generics.ListAPIView):
    """What was published, changed or retired since a moment, oldest first: offerings,
    their claims and standards releases, by stable IDs. To stay in sync, ask again
    with ``since`` set to the last ``changed_at`` you have seen."""

    permission_classes = [PublicReadOnly]
    serializer_class = ChangeSerializer

    def get_queryset(self):
        query = validated_query(ChangeQuerySerializer, self.request)
        return selectors.changes_since(query.get("since"), kind=query.get("kind", ""))


# --- providers' own listings -----------------------------------------------------


class _ProviderScoped(APIView):
    """Views of the signed-in provider user's own offerings."""

    permission_classes = [ProviderOnly]

    def handle_exception(self, exc):
        if isinstance(exc, workflow.WorkflowError):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)

    def own_offering(self):
        offering = (
            selectors.provider_offerings(self.request.user)
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if offering is None:
            raise Http404
        return offering


@extend_schema(tags=["provider"])
class ProviderOfferingList(_ProviderScoped, generics.ListCreateAPIView):
    """Your provider's offerings in every status (revisions included); create a
    draft (stated against the current standards release)."""

    serializer_class = ProviderOfferingSerializer

    @extend_schema(parameters=[ProviderOfferingQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = validated_query(ProviderOfferingQuerySerializer, self.request)
        offerings = selectors.provider_offerings(self.request.user)
        if query.get("status"):
            offerings = offerings.filter(status=query["status"])
        return offerings

    @extend_schema(
        request=OfferingWriteSerializer,
        responses={201: ProviderOfferingSerializer},
    )
    def post(self, request, *args, **kwargs):
        data = OfferingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields, vehicles = _details(data.validated_data)
        offering = workflow.offering_create(
            provider=request.user.provider,
            by=request.user,
            fields=fields,
            contract_vehicles=vehicles,
        )
        return Response(
            ProviderOfferingSerializer(self._reloaded(offering)).data,
            status=status.HTTP_201_CREATED,
        )

    def _reloaded(self, offering):
        return selectors.provider_offerings(self.request.user).get(pk=offering.pk)


@extend_schema(tags=["provider"], parameters=[SLUG])
class ProviderOfferingDetail(_ProviderScoped, APIView):
    """One of your offerings. Changing a published offering changes its revision
    (made on first change) while the published listing stays as it is; the answer
    is the revision."""

    @extend_schema(responses=ProviderOfferingSerializer)
    def get(self, request, slug):
        return Response(ProviderOfferingSerializer(self.own_offering()).data)

    @extend_schema(
        request=OfferingWriteSerializer, responses=ProviderOfferingSerializer
    )
    def patch(self, request, slug):
        return self._update(request, partial=True)

    @extend_schema(
        request=OfferingWriteSerializer, responses=ProviderOfferingSerializer
    )
    def put(self, request, slug):
        return self._update(request, partial=False)

    def _update(self, request, *, partial: bool) -> Response:
        offering = self.own_offering()
        data = OfferingWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields, vehicles = _details(
            {**_current_details(offering), **data.validated_data}
        )
        if offering.status == OfferingStatus.PUBLISHED:
            offering = workflow.offering_revision_start(
                offering=offering, by=request.user
            )
        offering = workflow.offering_update(
            offering=offering,
            by=request.user,
            fields=fields,
            contract_vehicles=vehicles,
        )
        reloaded = selectors.provider_offerings(request.user).get(pk=offering.pk)
        return Response(ProviderOfferingSerializer(reloaded).data)


@extend_schema(
    tags=["provider"],
    parameters=[SLUG],
    request=CommentSerializer,
    responses=ProviderOfferingSerializer,
)
class ProviderOfferingSubmit(_ProviderScoped, APIView):
    """Send a draft or returned offering to the brokers for review."""

    def post(self, request, slug):
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offering = workflow.offering_submit(
            offering=self.own_offering(),
            by=request.user,
            comment=data.validated_data["comment"],
        )
        return Response(ProviderOfferingSerializer(offering).data)


@extend_schema(
    tags=["provider"],
    parameters=[SLUG],
    request=None,
    responses=ProviderOfferingSerializer,
)
class ProviderOfferingWithdraw(_ProviderScoped, APIView):
    """Take a submission back to draft before a broker decides."""

    def post(self, request, slug):
        offering = workflow.offering_withdraw(
            offering=self.own_offering(), by=request.user
        )
        return Response(ProviderOfferingSerializer(offering).data)


class _OwnClaims(_ProviderScoped):
    def capability(self, offering, code: str):
        """The capability named in the path; 404 when the release has none."""
        capability = capability_get(offering.release, code)
        if capability is None:
            raise Http404
        return capability

    def save_claim(self, offering, capability, values: dict) -> None:
        services.claims_save(
            offering=offering,
            by=self.request.user,
            claims=[
                services.ClaimInput(
                    capability_id=capability.pk,
                    level=values.get("level", ""),
                    roadmap_date=values.get("roadmap_date"),
                    evidence=values.get("evidence", ""),
                    evidence_url=values.get("evidence_url", ""),
                )
            ],
        )

    def claim_of(self, offering, code: str):
        claim = (
            offering.claims.select_related("capability__function")
            .filter(capability__code=code)
            .first()
        )
        if claim is None:
            raise Http404
        return claim


@extend_schema(tags=["provider"], parameters=[SLUG])
class ProviderClaimList(_OwnClaims, generics.ListAPIView):
    """The claims of one of your offerings; state (or restate) one claim."""

    serializer_class = ClaimSerializer

    def get_queryset(self):
        return (
            self.own_offering()
            .claims.select_related("capability__function")
            .order_by("capability__code")
        )

    @extend_schema(request=ClaimCreateSerializer, responses={201: ClaimSerializer})
    def post(self, request, slug):
        offering = self.own_offering()
        data = ClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["capability"]
        capability = capability_get(offering.release, code)
        if capability is None:
            raise ValidationError(
                {"capability": [f"“{code}” is not a capability of {offering.release}."]}
            )
        self.save_claim(offering, capability, data.validated_data)
        return Response(
            ClaimSerializer(self.claim_of(offering, capability.code)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["provider"], parameters=[SLUG, CODE])
class ProviderClaimDetail(_OwnClaims, APIView):
    """One claim of one of your offerings, by capability code."""

    @extend_schema(responses=ClaimSerializer)
    def get(self, request, slug, code):
        return Response(ClaimSerializer(self.claim_of(self.own_offering(), code)).data)

    @extend_schema(request=ClaimWriteSerializer, responses=ClaimSerializer)
    def put(self, request, slug, code):
        offering = self.own_offering()
        capability = self.capability(offering, code)
        data = ClaimWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.save_claim(offering, capability, data.validated_data)
        return Response(ClaimSerializer(self.claim_of(offering, code)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug, code):
        offering = self.own_offering()
        capability = self.capability(offering, code)
        self.claim_of(offering, code)
        self.save_claim(offering, capability, {"level": ""})
        return Response(status=status.HTTP_204_NO_CONTENT)
