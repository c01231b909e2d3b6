"""Public, read-only API of the standards: releases and their contents.

Every read goes through :mod:`standards.selectors`, the same functions the pages use.
Items are addressed by their stable IDs: the release name and the item's code.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from marketplace.api import PublicReadOnly, validated_query
from standards import selectors
from standards.serializers import (
    ActivityQuerySerializer,
    ActivitySerializer,
    CapabilityQuerySerializer,
    CapabilitySerializer,
    DataElementDetailSerializer,
    DataElementSerializer,
    ExchangeSerializer,
    FunctionSerializer,
    ReferenceQuerySerializer,
    ReferenceSerializer,
    ReleaseSerializer,
    ReportDetailSerializer,
    ReportSerializer,
    SearchQuerySerializer,
    ServiceMeasureQuerySerializer,
    ServiceMeasureSerializer,
    SpecificationSerializer,
)

RELEASE = OpenApiParameter(
    "release", str, OpenApiParameter.PATH, description="Release name, e.g. FY2025."
)
CODE = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, description="Stable ID, e.g. FFM.010.010.011."
)


class _ReleaseScoped:
    """A view inside one published release (``release`` in the path)."""

    permission_classes = [PublicReadOnly]

    def release(self):
        if not hasattr(self, "_release"):
            release = selectors.release_get(self.kwargs["release"])
            if release is None:
                raise Http404
            self._release = release
        return self._release


@extend_schema(tags=["standards"])
class ReleaseList(generics.ListAPIView):
    """Published standards releases, newest first."""

    permission_classes = [PublicReadOnly]
    serializer_class = ReleaseSerializer

    def get_queryset(self):
        return selectors.release_list()


@extend_schema(tags=["standards"], parameters=[RELEASE])
class ReleaseDetail(_ReleaseScoped, generics.RetrieveAPIView):
    """One published release."""

    serializer_class = ReleaseSerializer

    def get_object(self):
        return self.release()


@extend_schema(tags=["standards"], parameters=[RELEASE])
class FunctionList(_ReleaseScoped, generics.ListAPIView):
    """The FIBF functions of a release."""

    serializer_class = FunctionSerializer

    def get_queryset(self):
        # Each row shows its release's name: one join, not one query per row.
        return selectors.function_list(self.release()).select_related("release")


@extend_schema(tags=["standards"], parameters=[RELEASE, ActivityQuerySerializer])
class ActivityList(_ReleaseScoped, generics.ListAPIView):
    """The activities of a release, optionally of one function."""

    serializer_class = ActivitySerializer

    def get_queryset(self):
        query = validated_query(ActivityQuerySerializer, self.request)
        return selectors.activity_list(
            self.release(), function_code=query.get("function", "")
        ).select_related("release")


@extend_schema(tags=["standards"], parameters=[RELEASE, CapabilityQuerySerializer])
class CapabilityList(_ReleaseScoped, generics.ListAPIView):
    """The business capabilities (FFMSRs) of a release, filtered and searched."""

    serializer_class = CapabilitySerializer

    def get_queryset(self):
        query = validated_query(CapabilityQuerySerializer, self.request)
        return selectors.capability_list(
            self.release(),
            function_code=query.get("function", ""),
            activity_code=query.get("activity", ""),
            kind=query.get("kind", ""),
            query=query.get("q", ""),
        ).select_related("release")


@extend_schema(tags=["standards"], parameters=[RELEASE, CODE])
class CapabilityDetail(_ReleaseScoped, generics.RetrieveAPIView):
    """One business capability by its code."""

    serializer_class = CapabilitySerializer

    def get_object(self):
        capability = selectors.capability_get(self.release(), self.kwargs["code"])
        if capability is None:
            raise Http404
        return capability


@extend_schema(tags=["standards"], parameters=[RELEASE, ServiceMeasureQuerySerializer])
class ServiceMeasureList(_ReleaseScoped, generics.ListAPIView):
    """The FM service measures of a release, with their targets."""

    serializer_class = ServiceMeasureSerializer

    def get_queryset(self):
        query = validated_query(ServiceMeasureQuerySerializer, self.request)
        return selectors.service_measure_list(
            self.release(),
            function_code=query.get("function", ""),
            category=query.get("category", ""),
            measure_type=query.get("type", ""),
            query=query.get("q", ""),
        ).select_related("release")


def _found(item):
    if item is None:
        raise Http404
    return item


POSITION = OpenApiParameter(
    "position", int, OpenApiParameter.PATH, description="Position in the workbook."
)


@extend_schema(tags=["standards"], parameters=[RELEASE, SearchQuerySerializer])
class DataElementList(_ReleaseScoped, generics.ListAPIView):
    """The business data elements of a release, every column as written."""

    serializer_class = DataElementSerializer

    def get_queryset(self):
        query = validated_query(SearchQuerySerializer, self.request)
        return selectors.data_element_list(
            self.release(), query=query.get("q", "")
        ).select_related("release")


@extend_schema(
    tags=["standards"],
    parameters=[
        RELEASE,
        OpenApiParameter(
            "label", str, OpenApiParameter.PATH, description="e.g. AgencyIdentifier."
        ),
    ],
)
class DataElementDetail(_ReleaseScoped, generics.RetrieveAPIView):
    """One data element with the references it cites and the exchange
    specifications and reports that use it."""

    serializer_class = DataElementDetailSerializer

    def get_object(self):
        return _found(selectors.data_element_get(self.release(), self.kwargs["label"]))


@extend_schema(tags=["standards"], parameters=[RELEASE, ReferenceQuerySerializer])
class ReferenceList(_ReleaseScoped, generics.ListAPIView):
    """The Auth and Other References index: typed, retired ones marked."""

    serializer_class = ReferenceSerializer

    def get_queryset(self):
        query = validated_query(ReferenceQuerySerializer, self.request)
        return selectors.reference_list(
            self.release(), query=query.get("q", ""), kind=query.get("type", "")
        ).select_related("release")


@extend_schema(
    tags=["standards"],
    parameters=[
        RELEASE,
        OpenApiParameter(
            "number", int, OpenApiParameter.PATH, description="19 for (19)."
        ),
    ],
)
class ReferenceDetail(_ReleaseScoped, generics.RetrieveAPIView):
    """One reference of the index."""

    serializer_class = ReferenceSerializer

    def get_object(self):
        return _found(selectors.reference_get(self.release(), self.kwargs["number"]))


@extend_schema(tags=["standards"], parameters=[RELEASE, SearchQuerySerializer])
class ExchangeList(_ReleaseScoped, generics.ListAPIView):
    """Business information exchanges: each system's incoming and outgoing
    information, in the workbook's order."""

    serializer_class = ExchangeSerializer

    def get_queryset(self):
        query = validated_query(SearchQuerySerializer, self.request)
        return selectors.exchange_list(
            self.release(), query=query.get("q", "")
        ).select_related("release")


@extend_schema(tags=["standards"], parameters=[RELEASE, POSITION])
class ExchangeDetail(_ReleaseScoped, generics.RetrieveAPIView):
    """One information exchange."""

    serializer_class = ExchangeSerializer

    def get_object(self):
        return _found(selectors.exchange_get(self.release(), self.kwargs["position"]))


@extend_schema(tags=["standards"], parameters=[RELEASE, POSITION])
class SpecificationDetail(_ReleaseScoped, generics.RetrieveAPIView):
    """One specification tab of the exchanges workbook, as a table, with the data
    elements it uses."""

    serializer_class = SpecificationSerializer

    def get_object(self):
        return _found(
            selectors.specification_get(self.release(), self.kwargs["position"])
        )


@extend_schema(tags=["standards"], parameters=[RELEASE, SearchQuerySerializer])
class ReportList(_ReleaseScoped, generics.ListAPIView):
    """The Core FS pre-built business reports."""

    serializer_class = ReportSerializer

    def get_queryset(self):
        query = validated_query(SearchQuerySerializer, self.request)
        return selectors.report_list(
            self.release(), query=query.get("q", "")
        ).select_related("release")


@extend_schema(tags=["standards"], parameters=[RELEASE, POSITION])
class ReportDetail(_ReleaseScoped, generics.RetrieveAPIView):
    """One report with its items and the data elements it uses."""

    serializer_class = ReportDetailSerializer

    def get_object(self):
        return _found(selectors.report_get(self.release(), self.kwargs["position"]))
