"""Admin for the delegate's side: feed links, last looks, own travel and hotels, letter templates."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from trips.models import (
    Accommodation,
    CalendarFeedToken,
    CheckIn,
    CheckInLink,
    CheckInRequest,
    DelegationMessage,
    InvitationLetterTemplate,
    ItineraryLastSeen,
    PersonalTravel,
)


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


@admin.register(CheckInRequest)
class CheckInRequestAdmin(admin.ModelAdmin):
    list_display = ["visit", "scope", "city", "by", "created_at", "expires_at"]
    list_filter = ["scope"]
    search_fields = ["visit__title"]
    list_select_related = ["visit", "city", "by"]
    autocomplete_fields = ["visit", "city", "by"]
    date_hierarchy = "created_at"


@admin.register(CheckInLink)
class CheckInLinkAdmin(admin.ModelAdmin):
    list_display = ["request", "participant", "used_at"]
    search_fields = ["participant__first_name", "participant__last_name", "request__visit__title"]
    list_select_related = ["request__visit", "participant"]
    autocomplete_fields = ["request", "participant"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["participant", "visit", "status", "place", "created_at"]
    list_filter = ["status"]
    search_fields = ["participant__first_name", "participant__last_name", "visit__title", "message"]
    list_select_related = ["participant", "visit"]
    autocomplete_fields = ["visit", "participant", "request", "city"]
    date_hierarchy = "created_at"


@admin.register(DelegationMessage)
class DelegationMessageAdmin(admin.ModelAdmin):
    list_display = ["visit", "subject_en", "subject_fr", "audience", "recipient_count", "by", "created_at"]
    list_filter = ["audience"]
    search_fields = ["visit__title", "subject_en", "subject_fr"]
    list_select_related = ["visit", "city", "by"]
    autocomplete_fields = ["visit", "city", "by"]
    date_hierarchy = "created_at"
