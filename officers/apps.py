from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    """What every officer page shares: who is an officer, the list view, the form page, the history."""

    name = "officers"
    verbose_name = _("Officer pages")
