"""The officers' messages to a visit's delegation (mounted at the root, under the visit)."""

from django.urls import path

from .views import delegation_messages as views

app_name = "delegation_messages"

urlpatterns = [
    path("visits/<int:pk>/messages/", views.message_list, name="list"),
    path("visits/<int:pk>/messages/new/", views.message_compose, name="compose"),
]
