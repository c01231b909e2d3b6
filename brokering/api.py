"""API of brokering: an agency's needs, their scoring runs and their matches.

Agency users read and write their own agency's needs; brokers (and admins) read every
agency's; nobody else gets in. Reads go through :mod:`brokering.selectors` (another
agency's need answers 404, as on the pages) and writes through
:mod:`brokering.services`; a change refused from the need's state answers 409.
"""

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from brokering import selectors, services, workbook
from brokering.forms import NeedBasicsForm
from brokering.models import NeedStatus
from brokering.serializers import (
    MatchDetailSerializer,
    MatchQuerySerializer,
    MatchSerializer,
    NeedItemSerializer,
    NeedQuerySerializer,
    NeedSerializer,
    NeedWriteSerializer,
    PrioritiesSerializer,
    ScoringRunSerializer,
)
from marketplace.api import AgencyReadsBrokerReads, Conflict, validated_query
from standards.items import release_items

NEED_ID = OpenApiParameter(
    "need_id", int, OpenApiParameter.PATH, description="The need's ID."
)
MATCH_ID = OpenApiParameter(
    "match_id", int, OpenApiParameter.PATH, description="The match's ID."
)
BASIC_FIELDS = (
    "title",
    "go_live_date",
    "accepted_provider_kinds",
    "minimum_impact_level",
    "accepted_deployment_models",
)


class WorkbookParser(BaseParser):
    """A business needs workbook as the request body, at most 5 MB."""

    media_type = workbook.CONTENT_TYPE

    def parse(self, stream, media_type=None, parser_context=None):
        content = stream.read(workbook.MAX_UPLOAD_BYTES + 1) if stream else b""
        if len(content) > workbook.MAX_UPLOAD_BYTES:
            raise ParseError("The workbook is larger than 5 MB.")
        return content


class _NeedScoped(APIView):
    """Views of one need the user may see (``need_id`` in the path)."""

    permission_classes = [AgencyReadsBrokerReads]

    def handle_exception(self, exc):
        if isinstance(exc, services.TransitionError):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)

    def need(self):
        return selectors.need_get(
            user=self.request.user, need_id=self.kwargs["need_id"]
        )


def _basics(data: dict) -> dict:
    """The need's basics checked by the pages' own form (the same rules)."""
    form = NeedBasicsForm(
        data={
            **data,
            "go_live_date": data["go_live_date"].isoformat(),
        }
    )
    if not form.is_valid():
        raise ValidationError(
            {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    return form.cleaned_data


def _function_ids(need, codes: list[str]) -> list[int]:
    functions = dict(
        selectors.need_functions(need=need)
        .filter(code__in=codes)
        .values_list("code", "id")
    )
    unknown = sorted(set(codes) - set(functions))
    if unknown:
        raise ValidationError(
            {"functions": [f"Not functions of {need.release}: {', '.join(unknown)}."]}
        )
    return list(functions.values())


@extend_schema(tags=["needs"])
class NeedList(_NeedScoped, generics.ListAPIView):
    """Your agency's needs (brokers: every agency's); create a draft need against
    the current standards release."""

    serializer_class = NeedSerializer

    @extend_schema(parameters=[NeedQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = validated_query(NeedQuerySerializer, self.request)
        return selectors.need_list(
            user=self.request.user, status=query.get("status", "")
        )

    @extend_schema(request=NeedWriteSerializer, responses={201: NeedSerializer})
    def post(self, request, *args, **kwargs):
        data = NeedWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        release_id = selectors.current_release_id()
        if release_id is None:
            raise Conflict("No standards release is current yet.")
        basics = _basics({name: data.validated_data[name] for name in BASIC_FIELDS})
        with transaction.atomic():
            need = services.need_create(
                agency=request.user.agency,
                created_by=request.user,
                release_id=release_id,
                **basics,
            )
            if "functions" in data.validated_data:
                services.need_set_functions(
                    need_id=need.pk,
                    function_ids=_function_ids(need, data.validated_data["functions"]),
                )
        need = selectors.need_get(user=request.user, need_id=need.pk)
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["needs"], parameters=[NEED_ID])
class NeedDetail(_NeedScoped, APIView):
    """One need; change its basics and the functions in scope."""

    @extend_schema(responses=NeedSerializer)
    def get(self, request, need_id):
        return Response(NeedSerializer(self.need()).data)

    @extend_schema(request=NeedWriteSerializer, responses=NeedSerializer)
    def put(self, request, need_id):
        return self._update(request, partial=False)

    @extend_schema(request=NeedWriteSerializer, responses=NeedSerializer)
    def patch(self, request, need_id):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool) -> Response:
        need = self.need()
        data = NeedWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        current = {name: getattr(need, name) for name in BASIC_FIELDS}
        basics = _basics({**current, **data.validated_data})
        with transaction.atomic():
            services.need_update(
                need_id=need.pk, **{name: basics[name] for name in BASIC_FIELDS}
            )
            if "functions" in data.validated_data:
                services.need_set_functions(
                    need_id=need.pk,
                    function_ids=_function_ids(need, data.validated_data["functions"]),
                )
        need = selectors.need_get(user=request.user, need_id=need.pk)
        return Response(NeedSerializer(need).data)


@extend_schema(
    tags=["needs"], parameters=[NEED_ID], request=None, responses=NeedSerializer
)
class NeedArchive(_NeedScoped, APIView):
    """Archive a need; its matches stay as a record."""

    def post(self, request, need_id):
        need = services.need_archive(need_id=self.need().pk)
        return Response(
            NeedSerializer(selectors.need_get(user=request.user, need_id=need.pk)).data
        )


@extend_schema(tags=["needs"], parameters=[NEED_ID])
class NeedItemList(_NeedScoped, generics.ListAPIView):
    """The items of a need, of every kind, with their priorities; change the
    priorities of its capabilities."""

    serializer_class = NeedItemSerializer

    def get_queryset(self):
        return selectors.need_items(need=self.need())

    def get_serializer_context(self):
        refs = release_items(self.need().release_id)
        return {**super().get_serializer_context(), "refs": {r.key: r for r in refs}}

    @extend_schema(
        request=PrioritiesSerializer, responses=NeedItemSerializer(many=True)
    )
    def patch(self, request, need_id):
        need = self.need()
        data = PrioritiesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = data.validated_data["priorities"]
        items = dict(
            selectors.need_items(need=need)
            .filter(capability__code__in=list(wanted))
            .values_list("capability__code", "capability_id")
        )
        unknown = sorted(set(wanted) - set(items))
        if unknown:
            raise ValidationError(
                {"priorities": [f"Not in this need: {', '.join(unknown)}."]}
            )
        services.need_set_priorities(
            need_id=need.pk,
            priorities={items[code]: priority for code, priority in wanted.items()},
        )
        return self.list(request)


@extend_schema(
    tags=["needs"],
    parameters=[NEED_ID],
    request=None,
    responses={202: ScoringRunSerializer},
)
class NeedScore(_NeedScoped, APIView):
    """Start scoring: a draft need is activated (which scores it), an active need is
    scored again. The answer is the run; follow it on ``runs``."""

    def post(self, request, need_id):
        need = self.need()
        if need.status == NeedStatus.ARCHIVED:
            raise Conflict("An archived need is not scored.")
        if need.status == NeedStatus.DRAFT:
            services.need_activate(need_id=need.pk)
            run = selectors.latest_run(need=need)
        else:
            run = services.scoring_run_enqueue(
                need_id=need.pk, reason="rescore requested"
            )
        if run is None:  # activating records a run
            raise Conflict("No scoring run was recorded.")
        run.refresh_from_db()
        return Response(ScoringRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["needs"], parameters=[NEED_ID])
class NeedRunList(_NeedScoped, generics.ListAPIView):
    """A need's scoring runs and their state, newest first."""

    serializer_class = ScoringRunSerializer

    def get_queryset(self):
        return selectors.need_runs(need=self.need())


@extend_schema(tags=["needs"], parameters=[NEED_ID, MatchQuerySerializer])
class MatchList(_NeedScoped, generics.ListAPIView):
    """A need's matches, ranked: eligible first, then fewest gaps, then score."""

    serializer_class = MatchSerializer

    def get_queryset(self):
        query = validated_query(MatchQuerySerializer, self.request)
        return selectors.matches_for_need(
            need=self.need(),
            eligible_only=bool(query.get("eligible")),
            status=query.get("status", ""),
        )


@extend_schema(tags=["needs"], parameters=[NEED_ID, MATCH_ID])
class MatchDetail(_NeedScoped, generics.RetrieveAPIView):
    """One match with its explanation: each need item, its weight, the claim level
    and evidence, and the credit it earned."""

    serializer_class = MatchDetailSerializer

    def get_object(self):
        match = selectors.match_get(
            user=self.request.user,
            need_id=self.kwargs["need_id"],
            match_id=self.kwargs["match_id"],
        )
        match.explanation = selectors.match_explanation(match=match)  # type: ignore[attr-defined]
        return match


@extend_schema(tags=["needs"], parameters=[NEED_ID])
class NeedWorkbook(_NeedScoped):
    """The need as a business needs workbook (XLSX: a sheet per kind of item, an
    instructions sheet, the need's metadata). ``PUT`` the filled-in workbook (the
    file as the request body) to update the need: every problem is answered at once
    (400, by sheet, row and column) and nothing is written unless there is none."""

    parser_classes = [WorkbookParser]

    @extend_schema(
        responses={(200, workbook.CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request, need_id):
        need = self.need()
        response = HttpResponse(
            workbook.workbook_bytes(need), content_type=workbook.CONTENT_TYPE
        )
        response["Content-Disposition"] = (
            f'attachment; filename="need-{need.pk}-workbook.xlsx"'
        )
        return response

    @extend_schema(
        request={workbook.CONTENT_TYPE: OpenApiTypes.BINARY},
        responses=NeedSerializer,
    )
    def put(self, request, need_id):
        need = self.need()
        content = request.data if isinstance(request.data, bytes) else b""
        try:
            workbook.workbook_apply(
                content=content,
                agency=need.agency,
                by=request.user,
                need_id=need.pk,
            )
        except workbook.WorkbookError as error:
            raise ValidationError(
                {"workbook": [str(problem) for problem in error.problems[:100]]}
            ) from None
        return Response(
            NeedSerializer(selectors.need_get(user=request.user, need_id=need.pk)).data
        )
