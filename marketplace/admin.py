"""Operators manage users and their organisations here; brokers do not."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from marketplace.admin_access import OperatorOnly
from marketplace.models import User, WorkerHeartbeat
from marketplace.roles import role_of

admin.site.site_header = "FM Marketplace back office"
admin.site.site_title = "FM Marketplace back office"
admin.site.index_title = "Broker and operator tasks"


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
