from django.urls import path

from .views import outbox

app_name = "outbox"

urlpatterns = [
    path("visits/<int:pk>/outbox/", outbox.visit_outbox, name="list"),
    path("visits/<int:pk>/outbox/digest/", outbox.visit_outbox_digest_send, name="digest_send"),
    path("visits/<int:pk>/outbox/<int:notification_id>/", outbox.visit_outbox_preview, name="preview"),
    path("visits/<int:pk>/outbox/<int:notification_id>/cancel/", outbox.visit_outbox_cancel, name="cancel"),
    path("visits/<int:pk>/outbox/<int:notification_id>/resend/", outbox.visit_outbox_resend, name="resend"),
]
