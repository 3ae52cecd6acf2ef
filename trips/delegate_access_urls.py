"""Officer routes for delegate access (mounted at the site root, beside the officer portal)."""

from django.urls import path

from .views import delegate_access as views

app_name = "delegate_access"

member = "visits/<int:pk>/delegate-access/members/<int:member_pk>/"

urlpatterns = [
    path("visits/<int:pk>/delegate-access/", views.visit_delegates, name="visit_delegates"),
    path(f"{member}invite/", views.member_invite, name="invite"),
    path(f"{member}resend/", views.member_invite, name="resend"),
    path(f"{member}calendar-link/", views.member_feed, name="feed"),
    path(f"{member}travel/new/", views.member_travel_edit, name="travel_create"),
    path(f"{member}travel/<int:travel_pk>/", views.member_travel_edit, name="travel_edit"),
    path(f"{member}hotel/new/", views.member_stay_edit, name="stay_create"),
    path(f"{member}hotel/<int:stay_pk>/", views.member_stay_edit, name="stay_edit"),
    path(f"{member}letter-<str:language>.pdf", views.member_letter_pdf, name="letter_pdf"),
    path("programmes/<int:programme_pk>/invitation-letters/", views.letter_templates, name="letter_templates"),
    path(
        "programmes/<int:programme_pk>/invitation-letters/<str:language>/",
        views.letter_template_edit,
        name="letter_template_edit",
    ),
]
