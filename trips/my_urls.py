from django.urls import path

from .views import contacts, my, profile

app_name = "my"

urlpatterns = [
    path("", my.visit_list, name="visit_list"),
    path("visits/<int:pk>/", my.itinerary, name="itinerary"),
    path("visits/<int:pk>/itinerary.ics", my.visit_ics, name="visit_ics"),
    path("visits/<int:pk>/itinerary.pdf", my.visit_pdf, name="visit_pdf"),
    path("visits/<int:pk>/contacts/", contacts.visit_contacts, name="visit_contacts"),
    path("visits/<int:pk>/travel/new/", my.travel_edit, name="travel_create"),
    path("visits/<int:pk>/travel/<int:travel_pk>/", my.travel_edit, name="travel_edit"),
    path("visits/<int:pk>/hotel/new/", my.stay_edit, name="stay_create"),
    path("visits/<int:pk>/hotel/<int:stay_pk>/", my.stay_edit, name="stay_edit"),
    path("profile/", profile.profile, name="profile"),
    path("visits/<int:pk>/letter-<str:language>.pdf", profile.letter_pdf, name="letter_pdf"),
    path("calendar/", my.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", my.feed, name="feed"),
    path("invitation/<str:token>/", my.invitation_accept, name="invitation_accept"),
    path("mail/", my.mail_choices, name="mail"),
    path("mail/unsubscribe/<str:token>/", my.mail_unsubscribe, name="mail_unsubscribe"),
]
