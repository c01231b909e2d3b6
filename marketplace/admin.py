"""Operators manage users and their organisations here; brokers do not."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from marketplace.admin_access import OperatorOnly
from marketplace.models import User, WorkerHeartbeat
from marketplace.roles import role_of

admin.site.site_header = "FM Marketplace back office"
admin.site.site_title = "FM Marketplace back office"
admin.site.index_title = "Broker and operator tasks"


def pk_or_404(model, object_id: str):
    """``object_id`` from an admin address as ``model``'s primary key, or 404 when it
    cannot be one (``abc`` for a number), before it reaches a query."""
    try:
        return model._meta.pk.to_python(unquote(str(object_id)))
    except (ValidationError, ValueError, TypeError) as error:
        raise Http404(
            f"No {model._meta.verbose_name} has the ID “{object_id}”."
        ) from error


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, whose history pages answer 404 for an object or
    history record ID that cannot be one instead of a 500 from the query."""

    def history_view(self, request, object_id, extra_context=None):
        pk_or_404(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        pk_or_404(self.model, object_id)
        pk_or_404(self.model.history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class UserAdmin(OperatorOnly, DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "get_full_name",
        "role",
        "agency",
        "provider",
        "is_active",
        "last_login",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "agency", "provider")
    list_select_related = ("agency", "provider")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ()
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Organisation"),
            {
                "fields": ("agency", "provider"),
                "description": "A user belongs to at most one agency or one provider. "
                "Brokers are staff users without an organisation.",
            },
        ),
    )

    @admin.display(description="role")
    def role(self, user: User) -> str:
        return role_of(user).value


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(OperatorOnly, admin.ModelAdmin):
    list_display = ("hostname", "seen_at")
    ordering = ("-seen_at",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
