from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in: the allauth adapter, session lifetime, the language that follows a person, the admin's sign-in."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in

        from .receivers import language_follow_user, start_session_clocks

        user_logged_in.connect(start_session_clocks, dispatch_uid="accounts_start_session_clocks")
        user_logged_in.connect(language_follow_user, dispatch_uid="accounts_language_follow_user")

        # The admin's sign-in is allauth's page (and so its rate limits, see adapter.py): an
        # anonymous visitor is sent there with ``next``; a signed-in user who is not active
        # staff is refused (403) instead of being shown a second sign-in form.
        admin.site.login = secure_admin_login(admin.site.login)
