"""Participant import and roster/participant exports, as spreadsheets (CSV or XLSX)."""

from django.urls import path, register_converter

from .views import spreadsheets


class SpreadsheetFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SpreadsheetFormat, "sheet")

app_name = "spreadsheets"

urlpatterns = [
    path("delegations/<int:pk>/import/", spreadsheets.import_upload, name="import_upload"),
    path("delegations/<int:pk>/import/<str:token>/", spreadsheets.import_preview, name="import_preview"),
    path("delegations/<int:pk>/import/<str:token>/confirm/", spreadsheets.import_confirm, name="import_confirm"),
    path("delegations/<int:pk>/roster.<sheet:fmt>", spreadsheets.roster_export, name="roster_export"),
    path("participants/export.<sheet:fmt>", spreadsheets.participants_export, name="participants_export"),
]
