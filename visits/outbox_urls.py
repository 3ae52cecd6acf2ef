from django.urls import path

from . import outbox_views

app_name = "visit_outbox"

urlpatterns = [
    path("visits/<int:pk>/outbox/", outbox_views.visit_outbox, name="list"),
    path("visits/<int:pk>/outbox/<int:notification_id>/", outbox_views.visit_outbox_preview, name="preview"),
    path("visits/<int:pk>/outbox/<int:notification_id>/cancel/", outbox_views.visit_outbox_cancel, name="cancel"),
    path("visits/<int:pk>/outbox/<int:notification_id>/resend/", outbox_views.visit_outbox_resend, name="resend"),
]
