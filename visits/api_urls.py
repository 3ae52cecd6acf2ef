"""The read-only JSON API, mounted at /api/ outside the language prefix."""

from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("openapi.json", api.openapi, name="openapi"),
    path("programmes/", api.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", api.programme_detail, name="programme_detail"),
    path("visits/", api.visit_list, name="visit_list"),
    path("visits/<int:pk>/", api.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/itinerary/", api.visit_itinerary, name="visit_itinerary"),
    path("follow-ups/", api.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", api.follow_up_detail, name="follow_up_detail"),
]
