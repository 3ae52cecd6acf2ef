"""The allauth adapter: no open sign-up, and the admin's sign-in limits allauth cannot give alone."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import Resolver404, resolve


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts come from invitations or from an admin: there is no open sign-up.

    The admin's sign-in is allauth's own page (``secure_admin_login``, see ``apps.py``), so
    ``ACCOUNT_RATE_LIMITS`` guards it: ``login`` (every attempt per address) and
    ``login_failed`` (failures per address and per account, counted before the password is
    checked). Two behaviours of the admin's earlier hand-written sign-in allauth does not
    have; the two methods below keep them and nothing more:

    - over a ``login_failed`` limit allauth refuses with a form error (200), which the
      portal's sign-in keeps; the admin's sign-in (a ``next`` into the admin) answers 429;
    - allauth only takes back the successful attempt, so an account that failed four times
      and then signed in has one try left for the rest of the window; a success here clears
      that account's failures (never its address's, so a valid account cannot be used to
      reset the per-address count during a brute force).
    """

    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            if _is_admin_sign_in(request):
                response = render(request, "account/admin_login_throttled.html", status=429)
                raise ImmediateHttpResponse(response) from None
            raise

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            _clear_account_failures(request, key=self._get_login_attempts_cache_key(request, **credentials))
        return user


def _is_admin_sign_in(request) -> bool:
    next_url = get_next_redirect_url(request)
    if not next_url:
        return False
    try:
        return resolve(urlsplit(next_url).path).app_name == "admin"
    except Resolver404:
        return False


def _clear_account_failures(request, *, key: str) -> None:
    app, action = "allauth.account", "login_failed"
    for rate in ratelimit.get_rates(app=app, action=action):
        if rate.per == "key":
            cache_key = ratelimit.get_cache_key(request, app=app, action=action, rate=rate, key=key)
            with ratelimit.cache_lock(cache_key) as locked:
                if locked:
                    cache.delete(cache_key)
