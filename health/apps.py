from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    """Liveness and readiness for a load balancer, and the page people see while the database is away."""

    name = "health"
    verbose_name = _("Health")
