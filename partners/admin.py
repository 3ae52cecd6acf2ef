from django.contrib import admin
from django.db import models

from .models import City, NetworkMembership, Organisation


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    fk_name = "city"
    extra = 0
    autocomplete_fields = ["network"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "country", "timezone"]
    list_filter = ["country", "timezone"]
    search_fields = ["name", "region", "country"]
    inlines = [NetworkMembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "acronym", "kind", "city", "parent"]
    list_filter = ["kind", "city__country"]
    search_fields = ["name", "name_fr", "acronym", "city__name"]
    list_select_related = ["city", "parent"]
    autocomplete_fields = ["city", "parent"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    list_display = ["city", "network", "status", "since", "until", "role"]
    list_filter = ["status", "network"]
    search_fields = ["city__name", "network__name", "role"]
    list_select_related = ["city", "network"]
    date_hierarchy = "since"
    autocomplete_fields = ["city", "network"]
