from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TripsConfig(AppConfig):
    name = "trips"
    verbose_name = _("Delegates' trips")

    def ready(self):
        from visits.own_entries import own_entries_provider_register

        from .calendar import own_entries

        # The visit's messages invite each delegate to their own travel and hotels too.
        own_entries_provider_register(own_entries)
