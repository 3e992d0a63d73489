"""Admin for project-wide records: the API device tokens (list and revoke) and the admin site's titles."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import DeviceToken

admin.site.site_header = "Ledgerline administration"
admin.site.site_title = "Ledgerline admin"
admin.site.index_title = "Register, finance and settings"


@admin.register(DeviceToken)
class DeviceTokenAdmin(admin.ModelAdmin):
    """Tokens the mobile apps and integrations log in with. Tokens are issued by the API's login, never here;
    deleting a token revokes it: the device must log in again."""

    list_display = ("user", "device_name", "token_key", "created", "expiry", "last_used_at")
    list_filter = ("created", "expiry", "last_used_at")
    search_fields = ("user__username", "user__email", "device_name", "token_key")
    list_select_related = ("user",)
    date_hierarchy = "created"
    fields = ("user", "device_name", "token_key", "created", "expiry", "last_used_at")
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DeviceToken | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "Revoke" says what deleting a token means
        return actions

    @admin.action(description="Revoke selected tokens (the devices must log in again)", permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[DeviceToken]) -> None:
        count, _ = queryset.delete()
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
