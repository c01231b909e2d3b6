"""Rounds in the broker back office: every round with its status, response rate
and overdue providers; actions extend the due date or cancel, through the
services (:mod:`brokering.rounds.services`)."""

import datetime

from django.contrib import admin
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from brokering.models import Invitation, ResponseStatus, Round, RoundStatus
from brokering.rounds import services
from brokering.rounds.selectors import percent
from marketplace.admin import HistoryAdmin
from marketplace.admin_access import BrokerReadOnly

EXTEND_BY = datetime.timedelta(days=7)


class InvitationInline(BrokerReadOnly, admin.TabularInline):
    model = Invitation
    fields = ("offering", "status", "submitted_at", "response_score", "above_catalog")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("offering")


@admin.register(Round)
class RoundAdmin(BrokerReadOnly, HistoryAdmin):
    list_display = [
        "title",
        "need",
        "agency",
        "status",
        "due_at",
        "response_rate",
        "overdue_providers",
    ]
    list_filter = ["status"]
    search_fields = ["title", "need__title", "need__agency__name"]
    list_select_related = ["need", "need__agency"]
    readonly_fields = [
        "need",
        "title",
        "instructions",
        "due_at",
        "anonymous",
        "status",
        "opened_by",
        "opened_at",
        "closed_at",
    ]
    inlines = [InvitationInline]
    actions = ["extend", "cancel"]

    def get_queryset(self, request) -> QuerySet[Round]:
        waiting = Invitation.objects.exclude(
            status=ResponseStatus.SUBMITTED
        ).select_related("offering__provider")
        return (
            super()
            .get_queryset(request)
            .annotate(
                invited=Count("invitations", distinct=True),
                submitted=Count(
                    "invitations",
                    filter=Q(invitations__status=ResponseStatus.SUBMITTED),
                    distinct=True,
                ),
            )
            .prefetch_related(Prefetch("invitations", waiting, to_attr="waiting"))
        )

    @admin.display(description="agency", ordering="need__agency__name")
    def agency(self, round: Round) -> str:
        return round.need.agency.abbreviation

    @admin.display(description="responses")
    def response_rate(self, round: Round) -> str:
        invited = getattr(round, "invited", 0)
        submitted = getattr(round, "submitted", 0)
        return f"{submitted} of {invited} ({percent(submitted, invited)}%)"

    @admin.display(description="overdue providers")
    def overdue_providers(self, round: Round) -> str:
        if round.status == RoundStatus.CANCELLED or round.due_at > timezone.now():
            return ""
        return ", ".join(
            sorted(i.offering.provider.name for i in getattr(round, "waiting", []))
        )

    @admin.action(description="Extend the due date by 7 days for everyone")
    def extend(self, request, queryset: QuerySet[Round]) -> None:
        done, refused = 0, []
        for round in queryset:
            try:
                services.round_extend(
                    round_id=round.pk,
                    due_at=max(round.due_at, timezone.now()) + EXTEND_BY,
                )
                done += 1
            except services.RoundError as error:
                refused.append(f"{round.title}: {error}")
        self.message_user(request, f"{done} round(s) extended. " + " ".join(refused))

    @admin.action(description="Cancel the selected rounds")
    def cancel(self, request, queryset: QuerySet[Round]) -> None:
        done, refused = 0, []
        for round in queryset:
            try:
                services.round_cancel(round_id=round.pk)
                done += 1
            except services.RoundError as error:
                refused.append(f"{round.title}: {error}")
        self.message_user(request, f"{done} round(s) cancelled. " + " ".join(refused))
