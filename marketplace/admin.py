"""Operators manage users and their organisations here; brokers do not."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from marketplace.admin_access import OperatorOnly
from marketplace.models import User, WorkerHeartbeat
from marketplace.roles import Role, role_of

admin.site.site_header = "FM Marketplace back office"
admin.site.site_title = "FM Marketplace back office"
admin.site.index_title = "Broker and operator tasks"
# The app list beside every page took 300 px of a 1280 px screen from the tables; the
# index lists the apps, and the breadcrumbs lead back to it.
admin.site.enable_nav_sidebar = False


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


ROLE_CHOICES = [
    (Role.AGENCY.value, "Agency user (needs an agency)"),
    (Role.PROVIDER.value, "Provider user (needs a provider)"),
    (Role.BROKER.value, "Broker (FM QSMO staff)"),
    (Role.ADMIN.value, "Operator (manages users and settings)"),
]


class UserAddForm(AdminUserCreationForm):
    """A user created in one pass: name, e-mail, role and organisation with the
    password, so that nobody is left half set up (an agency user without an agency)."""

    role = forms.ChoiceField(choices=ROLE_CHOICES, label="Role")

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "agency", "provider")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        agency, provider = cleaned.get("agency"), cleaned.get("provider")
        if role == Role.AGENCY and not agency:
            self.add_error("agency", "An agency user needs an agency.")
        if role == Role.PROVIDER and not provider:
            self.add_error("provider", "A provider user needs a provider.")
        if role != Role.AGENCY and agency:
            self.add_error("agency", "Only agency users belong to an agency.")
        if role != Role.PROVIDER and provider:
            self.add_error("provider", "Only provider users belong to a provider.")
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        role = self.cleaned_data["role"]
        user.is_staff = role in (Role.BROKER, Role.ADMIN)
        user.is_superuser = role == Role.ADMIN
        if commit:
            user.save()
            self.save_m2m()
        return user


@admin.register(User)
class UserAdmin(OperatorOnly, DjangoUserAdmin):
    add_form = UserAddForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "first_name", "last_name", "email"),
            },
        ),
        (
            _("Role and organisation"),
            {
                "classes": ("wide",),
                "fields": ("role", "agency", "provider"),
                "description": "Agency users belong to one agency, provider users to "
                "one provider; brokers and operators to neither.",
            },
        ),
        (
            _("Password"),
            {
                "classes": ("wide",),
                "fields": ("usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = (
        "username",
        "email",
        "full_name",
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
    # Set by sign-ins and by creation, not by hand (and read-only text needs no label).
    readonly_fields = ("last_login", "date_joined")
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

    @admin.display(description="name", ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()

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
