from django.urls import path

from . import delegate_views

app_name = "my"

urlpatterns = [
    path("", delegate_views.visit_list, name="visit_list"),
    path("visits/<int:pk>/", delegate_views.itinerary, name="itinerary"),
    path("visits/<int:pk>/itinerary.ics", delegate_views.visit_ics, name="visit_ics"),
    path("visits/<int:pk>/itinerary.pdf", delegate_views.visit_pdf, name="visit_pdf"),
    path("visits/<int:pk>/travel/new/", delegate_views.travel_edit, name="travel_create"),
    path("visits/<int:pk>/travel/<int:travel_pk>/", delegate_views.travel_edit, name="travel_edit"),
    path("visits/<int:pk>/hotel/new/", delegate_views.stay_edit, name="stay_create"),
    path("visits/<int:pk>/hotel/<int:stay_pk>/", delegate_views.stay_edit, name="stay_edit"),
    path("calendar/", delegate_views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", delegate_views.feed, name="feed"),
    path("invitation/<str:token>/", delegate_views.invitation_accept, name="invitation_accept"),
]
