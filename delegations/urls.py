from django.urls import path

from .views import directory, join

app_name = "delegations"

urlpatterns = [
    path("participants/", directory.ParticipantListView.as_view(), name="participant_list"),
    path("participants/new/", directory.participant_edit, name="participant_create"),
    path("participants/join-request/", directory.participant_join_request, name="participant_join_request"),
    path("join/<str:token>/", join.join_accept, name="join_accept"),
    path("participants/<int:pk>/", directory.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", directory.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/merge/", directory.participant_merge, name="participant_merge"),
    path("participants/<int:pk>/delete/", directory.participant_delete, name="participant_delete"),
    path("delegations/", directory.DelegationListView.as_view(), name="delegation_list"),
    path("delegations/new/", directory.delegation_edit, name="delegation_create"),
    path("delegations/<int:pk>/", directory.delegation_detail, name="delegation_detail"),
    path("delegations/<int:pk>/edit/", directory.delegation_edit, name="delegation_edit"),
    path("delegations/<int:pk>/members/new/", directory.member_add, name="member_add"),
    path("delegations/<int:pk>/members/<int:member_pk>/", directory.member_edit, name="member_edit"),
    path("delegations/<int:pk>/members/<int:member_pk>/remove/", directory.member_remove, name="member_remove"),
]
