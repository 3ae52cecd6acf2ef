"""Admin for follow-ups, meeting notes and lessons learned."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from outcomes.models import FollowUp, ItemNote, Lesson


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["title", "visit", "owner", "due_on", "status"]
    list_filter = ["status", "themes", "visit__programme"]
    search_fields = ["title", "description", "outcome", "visit__title"]
    list_select_related = ["visit", "owner_participant", "owner_organisation", "owner_city"]
    autocomplete_fields = [
        "visit",
        "owner_participant",
        "owner_organisation",
        "owner_city",
        "themes",
        "resulting_membership",
    ]
    date_hierarchy = "due_on"


@admin.register(ItemNote)
class ItemNoteAdmin(SimpleHistoryAdmin):
    list_display = ["item", "author", "created_at"]
    list_filter = ["item__visit__programme"]
    search_fields = ["discussed", "met_with", "item__title", "item__visit__title"]
    list_select_related = ["item", "author"]
    autocomplete_fields = ["item", "author"]
    date_hierarchy = "created_at"


@admin.register(Lesson)
class LessonAdmin(SimpleHistoryAdmin):
    list_display = ["title", "visit", "theme", "author", "created_at"]
    list_filter = ["theme", "visit__programme"]
    search_fields = ["title", "body", "visit__title"]
    list_select_related = ["visit", "theme", "author"]
    autocomplete_fields = ["visit", "theme", "item", "author"]
    date_hierarchy = "created_at"
