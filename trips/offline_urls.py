"""``/sw.js`` at the site root, outside the language prefix: a service worker controls only pages below it."""

from django.urls import path

from .views.my import service_worker

urlpatterns = [path("sw.js", service_worker, name="service_worker")]
