"""The admin's sign-in, mounted at ``admin/`` before ``admin.site.urls`` so it answers first."""

from django.urls import path

from .admin_login import admin_login

urlpatterns = [path("login/", admin_login, name="admin_login")]
