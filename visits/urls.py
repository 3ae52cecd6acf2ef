from django.urls import path

from .views import itinerary, planner, programmes, themes, visits

app_name = "visits"

urlpatterns = [
    path("programmes/", programmes.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", programmes.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", programmes.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/officers/add/", programmes.programme_officer_add, name="programme_officer_add"),
    path(
        "programmes/<int:pk>/officers/<int:user_pk>/remove/",
        programmes.programme_officer_remove,
        name="programme_officer_remove",
    ),
    path("visits/", visits.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", visits.visit_create, name="visit_create"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", visits.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/publish/", visits.visit_publish, name="visit_publish"),
    path("visits/<int:pk>/publish/preview/", visits.visit_publish_preview, name="visit_publish_preview"),
    path("visits/<int:pk>/unpublish/", visits.visit_unpublish, name="visit_unpublish"),
    path("visits/<int:pk>/clone/", visits.visit_clone, name="visit_clone"),
    path("visits/<int:pk>/stops/new/", visits.stop_create, name="stop_create"),
    path("visits/<int:pk>/stops/<int:stop_pk>/edit/", visits.stop_edit, name="stop_edit"),
    path("visits/<int:pk>/stops/<int:stop_pk>/delete/", visits.stop_delete, name="stop_delete"),
    path("visits/<int:pk>/items/new/", itinerary.item_create, name="item_create"),
    path("visits/<int:pk>/items/<int:item_pk>/edit/", itinerary.item_edit, name="item_edit"),
    path("visits/<int:pk>/items/<int:item_pk>/duplicate/", itinerary.item_duplicate, name="item_duplicate"),
    path("visits/<int:pk>/items/<int:item_pk>/delete/", itinerary.item_delete, name="item_delete"),
    path("visits/<int:pk>/legs/new/", itinerary.leg_create, name="leg_create"),
    path("visits/<int:pk>/legs/<int:leg_pk>/edit/", itinerary.leg_edit, name="leg_edit"),
    path("visits/<int:pk>/legs/<int:leg_pk>/cancel/", itinerary.leg_cancel, name="leg_cancel"),
    path("visits/<int:pk>/legs/<int:leg_pk>/delete/", itinerary.leg_delete, name="leg_delete"),
    path("visits/<int:pk>/planner/", planner.planner, name="planner"),
    path("visits/<int:pk>/planner/move/", planner.planner_move, name="planner_move"),
    path("visits/<int:pk>/planner/entries/", planner.planner_bulk, name="planner_bulk"),
    path("visits/<int:pk>/planner/items/new/", planner.planner_item_create, name="planner_item_create"),
    path("themes/", themes.ThemeListView.as_view(), name="theme_list"),
    path("themes/new/", themes.theme_edit, name="theme_create"),
    path("themes/<int:pk>/edit/", themes.theme_edit, name="theme_edit"),
]
