from django.urls import path

from . import views

app_name = "delegations"

urlpatterns = [
    path("participants/", views.ParticipantListView.as_view(), name="participant_list"),
    path("participants/new/", views.participant_edit, name="participant_create"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", views.participant_edit, name="participant_edit"),
    path("delegations/", views.DelegationListView.as_view(), name="delegation_list"),
    path("delegations/new/", views.delegation_edit, name="delegation_create"),
    path("delegations/<int:pk>/", views.delegation_detail, name="delegation_detail"),
    path("delegations/<int:pk>/edit/", views.delegation_edit, name="delegation_edit"),
    path("delegations/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("delegations/<int:pk>/members/<int:member_pk>/", views.member_edit, name="member_edit"),
    path("delegations/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
]
