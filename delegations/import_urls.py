"""Participant import and roster/participant exports."""

from django.urls import path, register_converter

from . import import_views


class SpreadsheetFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SpreadsheetFormat, "sheet")

app_name = "delegation_io"

urlpatterns = [
    path("delegations/<int:pk>/import/", import_views.import_upload, name="import_upload"),
    path("delegations/<int:pk>/import/<str:token>/", import_views.import_preview, name="import_preview"),
    path("delegations/<int:pk>/import/<str:token>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("delegations/<int:pk>/roster.<sheet:fmt>", import_views.roster_export, name="roster_export"),
    path("participants/export.<sheet:fmt>", import_views.participants_export, name="participants_export"),
]
