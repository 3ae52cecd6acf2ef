from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ItineraryChange, ItineraryItem, Programme, StudyVisit, Theme, TravelLeg, VisitStop


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


@admin.register(TravelLeg)
class TravelLegAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "visit", "kind", "from_city", "to_city", "departs_at", "arrives_at", "status"]
    list_filter = ["kind", "status", "visit__programme"]
    search_fields = ["visit__title", "from_city__name", "to_city__name", "carrier", "reference"]
    list_select_related = ["visit", "from_city", "to_city"]
    autocomplete_fields = ["visit", "from_city", "to_city"]
    raw_id_fields = ["members"]
    date_hierarchy = "departs_at"


@admin.register(VisitStop)
class VisitStopAdmin(admin.ModelAdmin):
    list_display = ["visit", "position", "city", "arrives_on", "departs_on"]
    list_filter = ["city"]
    search_fields = ["visit__title", "city__name"]
    list_select_related = ["visit", "city"]
    autocomplete_fields = ["visit", "city"]
    date_hierarchy = "arrives_on"


@admin.register(ItineraryChange)
class ItineraryChangeAdmin(admin.ModelAdmin):
    list_display = ["visit", "action", "title", "changed_at", "by", "digested_at"]
    list_filter = ["action"]
    search_fields = ["title", "visit__title"]
    list_select_related = ["visit", "by"]
    raw_id_fields = ["visit", "by"]
    date_hierarchy = "changed_at"
