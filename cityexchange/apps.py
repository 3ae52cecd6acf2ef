from django.apps import AppConfig


class CityExchangeConfig(AppConfig):
    """The project package: no models, only the receivers for third-party signals."""

    name = "cityexchange"
    verbose_name = "CityExchange"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .receivers import start_session_clocks

        user_logged_in.connect(start_session_clocks, dispatch_uid="cityexchange_start_session_clocks")
