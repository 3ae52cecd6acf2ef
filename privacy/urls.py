"""Officer routes for one person's personal data (mounted at the site root, beside the participant pages)."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("participants/<int:pk>/personal-data.json", views.participant_export, name="participant_export"),
    path("participants/<int:pk>/erase/", views.participant_erase_confirm, name="participant_erase"),
]
