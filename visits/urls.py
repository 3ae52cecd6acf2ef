from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/publish/", views.visit_publish, name="visit_publish"),
    path("visits/<int:pk>/unpublish/", views.visit_unpublish, name="visit_unpublish"),
    path("visits/<int:pk>/clone/", views.visit_clone, name="visit_clone"),
    path("visits/<int:pk>/stops/new/", views.stop_create, name="stop_create"),
    path("visits/<int:pk>/stops/<int:stop_pk>/edit/", views.stop_edit, name="stop_edit"),
    path("visits/<int:pk>/stops/<int:stop_pk>/delete/", views.stop_delete, name="stop_delete"),
    path("visits/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("visits/<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("visits/<int:pk>/items/<int:item_pk>/duplicate/", views.item_duplicate, name="item_duplicate"),
    path("visits/<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
    path("themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("themes/new/", views.theme_edit, name="theme_create"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme_edit"),
    path("follow-ups/", views.follow_up_board, name="follow_up_board"),
    path("follow-ups/new/", views.follow_up_edit, name="follow_up_create"),
    path("follow-ups/<int:pk>/edit/", views.follow_up_edit, name="follow_up_edit"),
    path("follow-ups/<int:pk>/status/", views.follow_up_status, name="follow_up_status"),
]
