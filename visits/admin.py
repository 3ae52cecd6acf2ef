from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Accommodation,
    CalendarFeedToken,
    FollowUp,
    InvitationLetterTemplate,
    ItemNote,
    ItineraryChange,
    ItineraryItem,
    ItineraryLastSeen,
    Lesson,
    PersonalTravel,
    Programme,
    StudyVisit,
    Theme,
    VisitStop,
)


class VisitStopInline(admin.TabularInline):
    model = VisitStop
    extra = 0
    autocomplete_fields = ["city"]


class ItineraryItemInline(admin.TabularInline):
    model = ItineraryItem
    extra = 0
    fields = ["starts_at", "ends_at", "city", "kind", "title", "venue", "status"]
    autocomplete_fields = ["city"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "organiser", "created_at"]
    search_fields = ["name", "organiser__name"]
    list_filter = ["organiser", "partner_networks"]
    list_select_related = ["organiser"]
    autocomplete_fields = ["organiser", "supporters", "partner_networks", "officers"]
    date_hierarchy = "created_at"


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "slug"]
    search_fields = ["name", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StudyVisit)
class StudyVisitAdmin(SimpleHistoryAdmin):
    list_display = ["title", "programme", "starts_on", "ends_on", "status", "delegation"]
    list_filter = ["status", "programme", "themes"]
    search_fields = ["title", "summary", "programme__name", "delegation__name"]
    list_select_related = ["programme", "delegation"]
    autocomplete_fields = ["programme", "delegation", "themes"]
    date_hierarchy = "starts_on"
    inlines = [VisitStopInline, ItineraryItemInline]


@admin.register(ItineraryItem)
class ItineraryItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "visit", "city", "kind", "starts_at", "ends_at", "status"]
    list_filter = ["kind", "status", "city", "visit__programme"]
    search_fields = ["title", "venue", "address", "visit__title", "host_contact"]
    list_select_related = ["visit", "city"]
    autocomplete_fields = ["visit", "city", "host_organisations", "themes"]
    date_hierarchy = "starts_at"


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


@admin.register(VisitStop)
class VisitStopAdmin(admin.ModelAdmin):
    list_display = ["visit", "position", "city", "arrives_on", "departs_on"]
    list_filter = ["city"]
    search_fields = ["visit__title", "city__name"]
    list_select_related = ["visit", "city"]
    autocomplete_fields = ["visit", "city"]
    date_hierarchy = "arrives_on"


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ["participant", "created_at", "revoked_at", "created_by"]
    list_filter = ["revoked_at"]
    search_fields = ["participant__first_name", "participant__last_name", "participant__email"]
    list_select_related = ["participant", "created_by"]
    autocomplete_fields = ["participant", "created_by"]
    date_hierarchy = "created_at"


@admin.register(ItineraryLastSeen)
class ItineraryLastSeenAdmin(admin.ModelAdmin):
    list_display = ["participant", "visit", "seen_at"]
    search_fields = ["participant__first_name", "participant__last_name", "visit__title"]
    list_select_related = ["participant", "visit"]
    autocomplete_fields = ["participant", "visit"]


@admin.register(PersonalTravel)
class PersonalTravelAdmin(SimpleHistoryAdmin):
    list_display = ["participant", "visit", "direction", "mode", "carrier", "departs_at", "arrives_at"]
    list_filter = ["direction", "mode", "visit__programme"]
    search_fields = ["participant__first_name", "participant__last_name", "carrier", "departure_place", "arrival_place"]
    list_select_related = ["participant", "visit"]
    autocomplete_fields = ["participant", "visit"]
    date_hierarchy = "departs_at"


@admin.register(Accommodation)
class AccommodationAdmin(SimpleHistoryAdmin):
    list_display = ["participant", "visit", "name", "city", "check_in", "check_out"]
    list_filter = ["city", "visit__programme"]
    search_fields = ["participant__first_name", "participant__last_name", "name", "address"]
    list_select_related = ["participant", "visit", "city"]
    autocomplete_fields = ["participant", "visit", "city"]
    date_hierarchy = "check_in"


@admin.register(InvitationLetterTemplate)
class InvitationLetterTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "language", "subject", "updated_at"]
    list_filter = ["language", "programme"]
    search_fields = ["programme__name", "subject", "body"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]


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


@admin.register(ItineraryChange)
class ItineraryChangeAdmin(admin.ModelAdmin):
    list_display = ["visit", "action", "title", "changed_at", "by", "digested_at"]
    list_filter = ["action"]
    search_fields = ["title", "visit__title"]
    list_select_related = ["visit", "by"]
    raw_id_fields = ["visit", "by"]
    date_hierarchy = "changed_at"
