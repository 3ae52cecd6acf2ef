"""Admin for the sign-in's own rows: each account's chosen language."""

from django.contrib import admin

from accounts.models import AccountLanguage


@admin.register(AccountLanguage)
class AccountLanguageAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "chosen_at"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
