from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in: the allauth adapter, session lifetime and its sign-in receiver, the admin's sign-in."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .receivers import start_session_clocks

        user_logged_in.connect(start_session_clocks, dispatch_uid="accounts_start_session_clocks")
