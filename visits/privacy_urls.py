"""Officer routes for one person's personal data (mounted at the site root, beside the participant pages)."""

from django.urls import path

from . import privacy_views

app_name = "privacy"

urlpatterns = [
    path("participants/<int:pk>/personal-data.json", privacy_views.participant_export, name="participant_export"),
    path("participants/<int:pk>/erase/", privacy_views.participant_erase_confirm, name="participant_erase"),
]
