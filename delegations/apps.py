from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = _("Delegations")

    def ready(self):
        from accounts.signals import language_chosen

        from .receivers import preferred_language_follow_choice

        language_chosen.connect(preferred_language_follow_choice, dispatch_uid="delegations_preferred_language")
