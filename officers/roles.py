"""The three roles and the gate in front of every officer page.

An admin is a superuser; a programme officer is assigned to at least one programme
(``Programme.officers``, reached here through its reverse name so that the lower apps
need not import ``visits``); a delegate is a user linked to a participant. Officer pages
send anonymous users to sign in and answer 404 to everyone else, so a page outside your
reach looks the same as one that does not exist.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def is_officer(user) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_officer", None)
    if cached is None:
        cached = user.is_superuser or user.programmes.exists()
        user._is_officer = cached
    return cached


def officer_confirmed(user) -> None:
    """Note that ``user`` is an officer, as the caller has just established (it reached a visit
    through ``visits_for_officer``), so that ``is_officer`` does not ask the database again."""
    user._is_officer = True


def officer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_officer(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class OfficerRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        return officer_required(super().dispatch)(request, *args, **kwargs)
