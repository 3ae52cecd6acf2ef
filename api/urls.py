"""The read-only JSON API, mounted at /api/ outside the language prefix (namespace ``api``)."""

from django.urls import path

from .views import api

urlpatterns = [
    path("", api.urls),
]
