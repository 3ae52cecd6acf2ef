"""The language form's target: the page the person was on, in the language they chose."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.language import language_cookie_set, url_in_language
from accounts.services import account_language_set
from accounts.signals import language_chosen


@require_POST
def language_set(request):
    """Django's ``set_language``, plus: ``next`` (and a ``next`` inside it) becomes the chosen
    language's URL, and a signed-in person's choice is stored on their account (and, through
    ``accounts.signals.language_chosen``, becomes their participant's preferred language, so
    the email they get is in the language they chose).

    Django's own view translates ``next`` while English is active (``/i18n/`` has no prefix),
    so ``/fr/my/`` did not resolve and choosing English reloaded the French page.
    """
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if language not in dict(settings.LANGUAGES) or not translation.check_for_language(language):
        return HttpResponseRedirect(next_url)
    response = HttpResponseRedirect(url_in_language(next_url, language))
    language_cookie_set(response, language)
    if request.user.is_authenticated:
        account_language_set(request.user, language=language)
        language_chosen.send(sender=language_set, user=request.user, language=language)
    return response
