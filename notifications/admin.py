from django.contrib import admin

from .models import BouncedAddress, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_email", "kind", "language", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["to_email", "to_name", "subject", "key"]
    date_hierarchy = "created_at"
    readonly_fields = ["key", "content_type", "object_id", "created_at", "updated_at", "sent_at", "attempts"]


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin):
    """Deleting a row here lets mail go to that address again (once the mailbox works)."""

    list_display = ["email", "bounced_at", "reason"]
    search_fields = ["email"]
    readonly_fields = ["notification", "bounced_at"]
