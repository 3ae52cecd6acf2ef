"""The site's front page, ``home``: the officer's dashboard (a delegate is sent to their visits)."""

from django.urls import path

from .views.dashboard import home

urlpatterns = [path("", home, name="home")]
