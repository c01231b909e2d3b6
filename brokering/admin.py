"""Broker review in the admin: needs, matches and scoring runs.

Brokers read everything here; decisions (shortlist, recommend, reject, with a note) and
rescoring go through :mod:`brokering.services`, so statuses change in one place and the
history records who decided what.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.template.response import TemplateResponse

from brokering import pagecache, services
from brokering.models import (
    Agency,
    Match,
    MatchStatus,
    Need,
    NeedItem,
    NeedStatus,
    ScoringRun,
)
from brokering.rounds import admin as rounds_admin  # noqa: F401 (registers rounds)
from brokering.scoring.ranking import RANK_ORDER
from marketplace.admin import HistoryAdmin
from marketplace.admin_access import BrokerReadOnly, OperatorOnly
from marketplace.pagecache import StaleOnAdminSave


@admin.register(Agency)
class AgencyAdmin(OperatorOnly, StaleOnAdminSave, admin.ModelAdmin):
    page_scopes = (pagecache.SCOPE,)  # the brokers' dashboard shows their names
    list_display = ["name", "abbreviation", "cgac_code"]
    search_fields = ["name", "abbreviation", "cgac_code"]


class NeedItemInline(BrokerReadOnly, admin.TabularInline):
    model = NeedItem
    fields = ("kind", "item", "priority", "target", "rationale", "authority")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "capability",
                "service_measure",
                "exchange__system",
                "report",
                "function",
            )
        )

    @admin.display(description="item")
    def item(self, obj) -> str:
        """What the item is: the standards item, or the agency's own statement."""
        if obj.kind == "agency":
            function = obj.function.code if obj.function else ""
            return f"{obj.code} ({function}): {obj.statement}"
        return str(obj.capability or obj.service_measure or obj.exchange or obj.report)


@admin.register(Need)
class NeedAdmin(BrokerReadOnly, HistoryAdmin):
    list_display = [
        "title",
        "agency",
        "status",
        "go_live_date",
        "release",
        "updated_at",
    ]
    list_filter = ["status", "agency", "release"]
    list_select_related = ["agency", "release"]
    search_fields = ["title", "agency__name", "agency__abbreviation"]
    readonly_fields = [
        "agency",
        "release",
        "title",
        "go_live_date",
        "accepted_provider_kinds",
        "minimum_impact_level",
        "accepted_deployment_models",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "activated_at",
        "offerings_scored",
        "scored_at",
    ]
    inlines = [NeedItemInline]
    actions = ["rescore"]

    @admin.action(description="Score the selected active needs again")
    def rescore(self, request, queryset: QuerySet[Need]) -> None:
        active = list(
            queryset.filter(status=NeedStatus.ACTIVE).values_list("id", flat=True)
        )
        for need_id in active:
            services.scoring_run_enqueue(
                need_id=need_id, reason="broker rescore", resend=True
            )
        self.message_user(request, f"{len(active)} need(s) queued for scoring.")


class ScoreRangeFilter(admin.SimpleListFilter):
    title = "score"
    parameter_name = "score"
    RANGES = {
        "0-50": (0, 50),
        "50-75": (50, 75),
        "75-90": (75, 90),
        "90-100": (90, 100.01),
    }

    def lookups(self, request, model_admin):
        return [(key, key.replace("-", " to ")) for key in self.RANGES]

    def queryset(self, request, queryset):
        bounds = self.RANGES.get(self.value() or "")
        if bounds is None:
            return queryset
        return queryset.filter(score__gte=bounds[0], score__lt=bounds[1])


class HasGapsFilter(admin.SimpleListFilter):
    title = "must-have gaps"
    parameter_name = "gaps"

    def lookups(self, request, model_admin):
        return [("yes", "Has gaps"), ("no", "No gaps")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(gaps_count__gt=0)
        if self.value() == "no":
            return queryset.filter(gaps_count=0)
        return queryset


class DecisionForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Recorded with the decision on each selected match.",
    )


@admin.register(Match)
class MatchAdmin(BrokerReadOnly, HistoryAdmin):
    list_display = [
        "offering",
        "need",
        "agency",
        "score_display",
        "eligible",
        "gaps_count",
        "status",
        "computed_at",
    ]
    list_filter = [
        "status",
        "eligible",
        "top",
        HasGapsFilter,
        ScoreRangeFilter,
        ("need__agency", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["need__agency", "offering"]
    search_fields = ["offering__name", "need__title", "need__agency__abbreviation"]
    ordering = ["need", *RANK_ORDER]
    readonly_fields = [
        "need",
        "offering",
        "score",
        "eligible",
        "ineligible_reasons",
        "gaps",
        "gaps_count",
        "breakdown",
        "fingerprint",
        "scoring_version",
        "computed_at",
        "top",
        "status",
        "notes",
        "decided_by",
        "decided_at",
    ]
    actions = ["shortlist", "recommend", "reject"]

    @admin.display(description="agency", ordering="need__agency__abbreviation")
    def agency(self, match: Match) -> str:
        return match.need.agency.abbreviation

    @admin.display(description="score", ordering="score")
    def score_display(self, match: Match) -> str:
        return f"{match.score:.1f}"

    def _decide(self, request, queryset, status: str):
        if "apply" in request.POST:
            form = DecisionForm(request.POST)
            if form.is_valid():
                ids = list(queryset.values_list("id", flat=True))
                for match_id in ids:
                    services.match_decide(
                        match_id=match_id,
                        status=status,
                        note=form.cleaned_data["note"],
                        decided_by=request.user,
                    )
                self.message_user(
                    request,
                    f"{len(ids)} match(es) marked {MatchStatus(status).label.lower()}.",
                    messages.SUCCESS,
                )
                return None
        else:
            form = DecisionForm()
        return TemplateResponse(
            request,
            "brokering/admin_decide.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{MatchStatus(status).label}: add a note",
                "form": form,
                "matches": queryset.select_related("need", "offering"),
                "action": request.POST.get("action"),
                "status_label": MatchStatus(status).label,
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Shortlist the selected matches (with a note)")
    def shortlist(self, request, queryset):
        return self._decide(request, queryset, MatchStatus.SHORTLISTED)

    @admin.action(description="Recommend the selected matches (with a note)")
    def recommend(self, request, queryset):
        return self._decide(request, queryset, MatchStatus.RECOMMENDED)

    @admin.action(description="Reject the selected matches (with a note)")
    def reject(self, request, queryset):
        return self._decide(request, queryset, MatchStatus.REJECTED)


@admin.register(ScoringRun)
class ScoringRunAdmin(BrokerReadOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "target",
        "reason",
        "status",
        "attempts",
        "matches_written",
        "queued_at",
        "finished_at",
        "short_error",
    ]
    list_filter = ["status", "reason"]
    list_select_related = ["need", "offering"]
    readonly_fields = [f.name for f in ScoringRun._meta.fields]
    actions = ["rescore"]

    @admin.display(description="for")
    def target(self, run: ScoringRun) -> str:
        if run.need_id:
            return f"need: {run.need.title if run.need else run.need_id}"
        return f"offering: {run.offering.name if run.offering else run.offering_id}"

    @admin.display(description="error")
    def short_error(self, run: ScoringRun) -> str:
        return run.error[:80]

    @admin.action(description="Score the targets of the selected runs again")
    def rescore(self, request, queryset: QuerySet[ScoringRun]) -> None:
        runs = list(queryset.values_list("need_id", "offering_id").distinct())
        for need_id, offering_id in runs:
            services.scoring_run_enqueue(
                need_id=need_id,
                offering_id=offering_id,
                reason="broker rescore",
                resend=True,
            )
        self.message_user(request, f"{len(runs)} scoring run(s) queued.")
