from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Registers the tasks in every process, not only in the worker (which autodiscovers
        # them): services.notification_dispatch hands rows to the send task by its name.
        from . import tasks  # noqa: F401
