from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("cities/", views.CityListView.as_view(), name="city_list"),
    path("cities/new/", views.city_edit, name="city_create"),
    path("cities/<int:pk>/", views.city_detail, name="city_detail"),
    path("cities/<int:pk>/edit/", views.city_edit, name="city_edit"),
    path("cities/<int:pk>/merge/", views.city_merge, name="city_merge"),
    path("cities/<int:pk>/delete/", views.city_delete, name="city_delete"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", views.organisation_edit, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/merge/", views.organisation_merge, name="organisation_merge"),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
    path("memberships/", views.NetworkMembershipListView.as_view(), name="membership_list"),
    path("memberships/new/", views.membership_edit, name="membership_create"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
]
