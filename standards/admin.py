"""The standards in the Django admin: read-only, except a release's status.

A status change goes through :mod:`standards.services` (never a plain save), and a
new release is imported by uploading Treasury's workbooks, validated exactly
like ``import_standards``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from marketplace.roles import is_broker
from standards import selectors
from standards.forms import ReleaseUploadForm
from standards.models import (
    Activity,
    Capability,
    DataElement,
    Function,
    ServiceMeasure,
    StandardsRelease,
)
from standards.services import (
    ReleaseConflict,
    release_import,
    release_make_current,
    release_retire,
)


class BrokerReadOnly:
    """Brokers (staff) read the standards without per-model permissions."""

    def has_module_permission(self, request):
        return is_broker(request.user)

    def has_view_permission(self, request, obj=None):
        return is_broker(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StandardsRelease)
class StandardsReleaseAdmin(BrokerReadOnly, SimpleHistoryAdmin):
    """Contents are read-only; the status changes only through the two actions,
    which call the services."""

    actions = ["make_current", "retire"]
    list_display = [
        "name",
        "status",
        "published_on",
        "function_count",
        "activity_count",
        "capability_count",
        "measure_count",
        "data_element_count",
    ]
    list_filter = ["status"]
    search_fields = ["name"]
    readonly_fields = [
        "name",
        "status",
        "published_on",
        "source_checksums",
        "content_digest",
        "notes",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return selectors.release_list()

    @admin.display(description="functions")
    def function_count(self, obj):
        return obj.function_count

    @admin.display(description="activities")
    def activity_count(self, obj):
        return obj.activity_count

    @admin.display(description="capabilities")
    def capability_count(self, obj):
        return obj.capability_count

    @admin.display(description="service measures")
    def measure_count(self, obj):
        return obj.measure_count

    @admin.display(description="data elements")
    def data_element_count(self, obj):
        return obj.data_element_count

    @admin.action(description="Make the selected release current")
    def make_current(self, request, queryset):
        releases = list(queryset)
        if len(releases) != 1:
            self.message_user(
                request, "Select exactly one release to make current.", messages.ERROR
            )
            return
        try:
            release_make_current(release=releases[0])
        except ReleaseConflict as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            f"{releases[0].name} is now current; the previous current release "
            "is retired.",
            messages.SUCCESS,
        )

    @admin.action(description="Retire the selected draft releases")
    def retire(self, request, queryset):
        for release in queryset:
            try:
                release_retire(release=release)
            except ReleaseConflict as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"{release.name} is retired.")

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="standards_standardsrelease_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest):
        if not is_broker(request.user):
            raise PermissionDenied
        form = ReleaseUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                release, created = release_import(
                    name=form.cleaned_data["name"], data=form.cleaned_data["data"]
                )
            except ReleaseConflict as exc:
                form.add_error("name", str(exc))
            else:
                for warning in form.cleaned_data["data"].warnings:
                    messages.warning(request, warning)
                messages.success(
                    request,
                    f"Imported {release.name} as a draft."
                    if created
                    else f"{release.name} was already imported with these files.",
                )
                return HttpResponseRedirect(
                    reverse(
                        "admin:standards_standardsrelease_change", args=[release.pk]
                    )
                )
        return TemplateResponse(
            request,
            "admin/standards/standardsrelease/upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Import a standards release",
                "form": form,
            },
        )


@admin.register(Function)
class FunctionAdmin(BrokerReadOnly, admin.ModelAdmin):
    list_display = ["code", "name", "release"]
    list_filter = ["release"]
    search_fields = ["code", "name"]
    list_select_related = ["release"]


@admin.register(Activity)
class ActivityAdmin(BrokerReadOnly, admin.ModelAdmin):
    list_display = ["code", "name", "function", "release"]
    list_filter = ["release"]
    search_fields = ["code", "name"]
    list_select_related = ["release", "function"]


@admin.register(Capability)
class CapabilityAdmin(BrokerReadOnly, admin.ModelAdmin):
    list_display = ["code", "kind", "activity", "release"]
    list_filter = ["release", "kind"]
    search_fields = ["code", "statement", "ffmsr_id"]
    list_select_related = ["release", "activity"]


@admin.register(ServiceMeasure)
class ServiceMeasureAdmin(BrokerReadOnly, admin.ModelAdmin):
    list_display = ["code", "name", "target", "category", "release"]
    list_filter = ["release", "category", "measure_type"]
    search_fields = ["code", "name"]
    list_select_related = ["release"]


@admin.register(DataElement)
class DataElementAdmin(BrokerReadOnly, admin.ModelAdmin):
    list_display = ["label", "data_type", "release"]
    list_filter = ["release"]
    search_fields = ["label", "definition"]
    list_select_related = ["release"]
