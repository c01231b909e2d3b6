"""How the API shows and takes providers, offerings and claims.

Stable IDs throughout: provider and offering slugs, capability codes, release names,
contract-vehicle slugs. Serializers only shape and validate data; writes go through
:mod:`catalog.workflow`.
"""

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from catalog.fedramp import AUTHORIZATION_AGES
from catalog.freshness import Freshness
from catalog.freshness import of_claim as freshness_of_claim
from catalog.models import (
    CLAIM_SHOWN_FIELDS,
    NO_CLAIM_LABEL,
    Claim,
    ClaimLevel,
    ContractVehicle,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    ItemClaimKind,
    MarketplaceCategory,
    Offering,
    OfferingDocument,
    OfferingStatus,
    PricingModel,
    Provider,
    ProviderKind,
)
from marketplace.validators import plausible_date, single_line


class ProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = [
            "slug",
            "name",
            "kind",
            "website",
            "contact_name",
            "contact_email",
            "uei",
            "description",
            "updated_at",
        ]


class ProviderRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["slug", "name", "kind"]


class OfferingSerializer(serializers.ModelSerializer):
    """A published offering as the catalog shows it."""

    provider = ProviderRefSerializer(read_only=True)
    release = serializers.CharField(source="release.name", read_only=True)
    contract_vehicles = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="slug", many=True, read_only=True
    )
    fedramp_marketplace_url = serializers.URLField(
        read_only=True,
        allow_null=True,
        help_text="The offering's FedRAMP Marketplace listing, built from its "
        "package ID; null without one.",
    )

    class Meta:
        model = Offering
        fields = [
            "slug",
            "name",
            "provider",
            "release",
            "summary",
            "description",
            "category",
            "deployment_model",
            "fedramp_status",
            "fedramp_impact",
            "fedramp_package_id",
            "fedramp_authorized_on",
            "fedramp_ato_agencies",
            "fedramp_marketplace_url",
            "contract_vehicles",
            "customer_agencies",
            "accessibility_report_date",
            "pricing_model",
            "status",
            "published_at",
            "updated_at",
        ]


class PublishedOfferingSerializer(OfferingSerializer):
    """A published offering with its coverage of its release's capabilities."""

    covered_count = serializers.IntegerField(
        read_only=True, help_text="Capabilities met or configurable."
    )
    capability_count = serializers.IntegerField(
        read_only=True, help_text="Capabilities in the offering's release."
    )
    coverage = serializers.FloatField(
        read_only=True, help_text="covered_count as a percentage of capability_count."
    )

    class Meta(OfferingSerializer.Meta):
        fields = [
            *OfferingSerializer.Meta.fields,
            "covered_count",
            "capability_count",
            "coverage",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    """An evidence document the provider attached to the offering."""

    download = serializers.SerializerMethodField(
        help_text="Where to download the file: signed-in agency users and brokers "
        "(token or session), and the offering's provider."
    )

    class Meta:
        model = OfferingDocument
        fields = [
            "id",
            "title",
            "kind",
            "size",
            "uploaded_at",
            "as_of",
            "expires_on",
            "download",
        ]
        extra_kwargs = {"size": {"help_text": "Bytes."}}

    def get_download(self, document: OfferingDocument) -> str:
        path = reverse("api:document-download", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class OfferingDetailSerializer(PublishedOfferingSerializer):
    """A published offering with its coverage and its evidence documents."""

    documents = DocumentSerializer(many=True, read_only=True, source="documents.all")

    class Meta(PublishedOfferingSerializer.Meta):
        fields = [*PublishedOfferingSerializer.Meta.fields, "documents"]


class ClaimSerializer(serializers.ModelSerializer):
    capability = serializers.CharField(source="capability.code", read_only=True)
    function = serializers.CharField(source="capability.function.code", read_only=True)

    class Meta:
        model = Claim
        fields = ["capability", "function", *CLAIM_SHOWN_FIELDS]


class ClaimColumns(serializers.Serializer):
    """The claim's columns of a row of an offering's claims (null: no claim)."""

    level = serializers.ChoiceField(
        choices=ClaimLevel.choices,
        source="claim.level",
        allow_null=True,
        help_text="null: no claim (unknown).",
    )
    roadmap_date = serializers.DateField(source="claim.roadmap_date", allow_null=True)
    evidence = serializers.CharField(source="claim.evidence", allow_null=True)
    evidence_url = serializers.CharField(source="claim.evidence_url", allow_null=True)
    verified = serializers.BooleanField(source="claim.verified", allow_null=True)
    verified_at = serializers.DateTimeField(
        source="claim.verified_at",
        allow_null=True,
        help_text="When a broker last verified the claim.",
    )
    freshness = serializers.ChoiceField(
        choices=Freshness.choices,
        allow_null=True,
        help_text="fresh, stale (not verified by a broker for longer than the "
        "portal's policy, CLAIM_STALE_AFTER_DAYS) or expired (an evidence document "
        "of the offering is past its expiry); null for no claim.",
    )


class ClaimRowSerializer(ClaimColumns):
    """One capability of the offering's release and the offering's claim on it."""

    capability = serializers.CharField(source="capability.code")
    function = serializers.CharField(source="capability.function.code")
    statement = serializers.CharField(source="capability.statement")

    def to_representation(self, instance):
        capability, claim = instance
        return super().to_representation(
            {
                "capability": capability,
                "claim": claim,
                "freshness": freshness_of_claim(
                    claim, self.context.get("evidence_expires_on")
                ),
            }
        )


class ItemClaimRowSerializer(ClaimColumns):
    """One service measure, information exchange or pre-built report of the
    offering's release and the offering's claim on it."""

    kind = serializers.ChoiceField(choices=ItemClaimKind.choices, source="ref.kind")
    item = serializers.CharField(
        source="ref.code",
        help_text="The item's ID: a measure's code, EX-<n> for an exchange, "
        "RPT-<n> for a report.",
    )
    function = serializers.CharField(source="ref.function")
    statement = serializers.CharField(
        source="ref.label",
        help_text="What the item is: the measure, the system and information "
        "exchanged, the report.",
    )
    target = serializers.CharField(
        source="ref.target", help_text="A measure's target as Treasury states it."
    )


# --- provider writes --------------------------------------------------------------


class ProviderOfferingSerializer(OfferingSerializer):
    """An offering as its provider sees it: any status, and where it stands."""

    revision_of = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The published offering this is a revision of.",
    )

    class Meta(OfferingSerializer.Meta):
        fields = [*OfferingSerializer.Meta.fields, "submitted_at", "revision_of"]


class OfferingWriteSerializer(serializers.Serializer):
    """The details a provider states; status, slug and release are not theirs to set."""

    name = serializers.CharField(max_length=255, validators=[single_line])
    summary = serializers.CharField(max_length=500)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=MarketplaceCategory.choices)
    deployment_model = serializers.ChoiceField(choices=DeploymentModel.choices)
    fedramp_status = serializers.ChoiceField(choices=FedrampStatus.choices)
    fedramp_impact = serializers.ChoiceField(
        choices=ImpactLevel.choices, required=False, allow_blank=True, default=""
    )
    fedramp_package_id = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=12,
        help_text="F or FR and ten digits, as on the FedRAMP Marketplace.",
    )
    fedramp_authorized_on = serializers.DateField(
        required=False, allow_null=True, validators=[plausible_date]
    )
    fedramp_ato_agencies = serializers.ListField(
        child=serializers.CharField(max_length=120, validators=[single_line]),
        required=False,
        default=list,
        max_length=200,
        help_text="Agencies holding an ATO on the FedRAMP package (when authorized).",
    )
    pricing_model = serializers.ChoiceField(choices=PricingModel.choices)
    customer_agencies = serializers.ListField(
        child=serializers.CharField(max_length=100, validators=[single_line]),
        required=False,
        default=list,
        max_length=200,
    )
    accessibility_report_date = serializers.DateField(
        required=False, allow_null=True, validators=[plausible_date]
    )
    contract_vehicles = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        required=False,
        queryset=ContractVehicle.objects.all(),
    )


class ClaimWriteSerializer(serializers.Serializer):
    """One claim as a provider states it."""

    level = serializers.ChoiceField(choices=ClaimLevel.choices)
    roadmap_date = serializers.DateField(
        required=False, allow_null=True, validators=[plausible_date]
    )
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_url = serializers.URLField(
        required=False, allow_blank=True, default="", max_length=200
    )

    def validate(self, attrs):
        if attrs.get("level") == ClaimLevel.ROADMAP and not attrs.get("roadmap_date"):
            raise serializers.ValidationError(
                {"roadmap_date": ["A roadmap claim needs a target date."]}
            )
        return attrs


class ClaimCreateSerializer(ClaimWriteSerializer):
    capability = serializers.CharField(
        max_length=24, help_text="Capability code in the offering's release."
    )


class ItemClaimWriteSerializer(ClaimWriteSerializer):
    """One claim on a measure, exchange or report; level "" removes the claim."""

    item = serializers.CharField(
        max_length=40, help_text="The item's ID (see the claims list)."
    )
    level = serializers.ChoiceField(
        choices=[("", "No claim"), *ClaimLevel.choices], allow_blank=True
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )


# --- query parameters ---------------------------------------------------------------


SORTS = ("relevance", "name", "coverage", "updated")


class OfferingQuerySerializer(serializers.Serializer):
    """The catalog page's query parameters; the catalog's own form validates them
    (:func:`catalog.forms.offering_search`), this documents them."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Search words."
    )
    function = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="FIBF function code the offering covers, e.g. FFM.010 "
        "(repeatable: every one given must be covered).",
    )
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=ProviderKind.choices), required=False
    )
    category = serializers.ListField(
        child=serializers.ChoiceField(choices=MarketplaceCategory.choices),
        required=False,
    )
    deployment = serializers.ListField(
        child=serializers.ChoiceField(choices=DeploymentModel.choices), required=False
    )
    fedramp = serializers.ListField(
        child=serializers.ChoiceField(choices=FedrampStatus.choices), required=False
    )
    impact = serializers.ListField(
        child=serializers.ChoiceField(choices=ImpactLevel.choices), required=False
    )
    authorized = serializers.ListField(
        child=serializers.ChoiceField(choices=AUTHORIZATION_AGES),
        required=False,
        help_text="FedRAMP authorization age: under-1, 1-3 or over-3 years, or none "
        "(no authorization date).",
    )
    vehicle = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Contract vehicle slug (repeatable).",
    )
    accessibility = serializers.ListField(
        child=serializers.ChoiceField(choices=["yes", "no"]),
        required=False,
        help_text="yes: with an accessibility conformance report; no: without.",
    )
    sort = serializers.ChoiceField(choices=SORTS, required=False, allow_blank=True)


class ClaimQuerySerializer(serializers.Serializer):
    """The offering page's claim filters (validated by the catalog's own form)."""

    function = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only capabilities under this function of the offering's release.",
    )
    level = serializers.ChoiceField(
        choices=[*ClaimLevel.choices, ("unknown", NO_CLAIM_LABEL)],
        required=False,
        allow_blank=True,
    )


class ProviderOfferingQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=OfferingStatus.choices, required=False, allow_blank=True
    )


class ProviderQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ProviderKind.choices, required=False, allow_blank=True
    )


# --- change feed ----------------------------------------------------------------


FEED_KINDS = ("offering", "claim", "release")
FEED_ACTIONS = ("published", "changed", "retired")


class ChangeQuerySerializer(serializers.Serializer):
    since = serializers.CharField(
        required=False,
        help_text="ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z: only changes "
        "after it. A time without an offset is in the portal's time zone.",
    )
    kind = serializers.ChoiceField(choices=FEED_KINDS, required=False, allow_blank=True)

    def validate_since(self, value: str) -> datetime.datetime:
        # An unencoded "+01:00" offset arrives as " 01:00"; read it as meant.
        text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip())
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            raise serializers.ValidationError(
                "Give an ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z."
            )
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        try:
            # Stored times are UTC; 0001-01-01T00:00+14:00 has no UTC equivalent.
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise serializers.ValidationError(
                "Give a date and time between the years 1 and 9999."
            ) from None


class ChangeSerializer(serializers.Serializer):
    """One public change. ``id`` is stable: an offering's slug, a claim's
    ``<offering slug>/<capability code>``, a release's name."""

    kind = serializers.ChoiceField(choices=FEED_KINDS)
    action = serializers.ChoiceField(
        choices=FEED_ACTIONS,
        help_text="published: became public (a release: made current; a claim: "
        "stated); changed; retired (a claim: removed).",
    )
    id = serializers.CharField()
    offering = serializers.CharField(allow_null=True)
    capability = serializers.CharField(allow_null=True)
    release = serializers.CharField(allow_null=True)
    state = serializers.CharField(
        help_text="The offering's status, the claim's level, the release's status."
    )
    changed_at = serializers.DateTimeField()

    def to_representation(self, row):
        kind, key = row["feed_kind"], row["feed_key"]
        capability = row["feed_capability"] or None
        return super().to_representation(
            {
                "kind": kind,
                "action": _feed_action(row),
                "id": f"{key}/{capability}" if capability else key,
                "offering": key if kind != "release" else None,
                "capability": capability,
                "release": key if kind == "release" else None,
                "state": row["feed_state"],
                "changed_at": row["history_date"],
            }
        )


def _feed_action(row) -> str:
    if row["feed_kind"] == "claim":
        return {"+": "published", "-": "retired"}.get(row["history_type"], "changed")
    state, previous = row["feed_state"], row["feed_previous"]
    if state == previous:
        return "changed"
    return "retired" if state == "retired" else "published"
