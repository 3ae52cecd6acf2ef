from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Delegation, DelegationMember, Invitation, Participant


class DelegationMemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0
    autocomplete_fields = ["participant"]


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "email", "organisation", "profession", "home_city", "preferred_language"]
    list_filter = ["profession", "preferred_language", "home_city"]
    search_fields = ["first_name", "last_name", "email", "position", "organisation__name"]
    list_select_related = ["organisation", "home_city"]
    autocomplete_fields = ["user", "organisation", "home_city"]


@admin.register(Delegation)
class DelegationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "head", "created_at"]
    search_fields = ["name", "head__first_name", "head__last_name"]
    list_filter = ["home_cities"]
    list_select_related = ["head"]
    autocomplete_fields = ["head", "home_cities"]
    date_hierarchy = "created_at"
    inlines = [DelegationMemberInline]


@admin.register(DelegationMember)
class DelegationMemberAdmin(SimpleHistoryAdmin):
    list_display = ["participant", "delegation", "role", "status", "invited_at"]
    list_filter = ["role", "status", "delegation"]
    search_fields = ["participant__first_name", "participant__last_name", "delegation__name"]
    list_select_related = ["participant", "delegation"]
    autocomplete_fields = ["participant", "delegation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["member", "created_at", "expires_at", "used_at", "superseded_at", "sent_by"]
    list_filter = ["used_at", "superseded_at"]
    search_fields = ["member__participant__first_name", "member__participant__last_name", "member__participant__email"]
    list_select_related = ["member__participant", "member__delegation", "sent_by"]
    autocomplete_fields = ["member", "sent_by"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"
