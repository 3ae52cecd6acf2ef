"""The language that follows a person: chosen on the form, else their participant's, else the browser's."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import translation

from accounts.models import AccountLanguage


@transaction.atomic
def account_language_set(user, *, language: str) -> AccountLanguage:
    """Store ``language`` as ``user``'s choice (one row per account, written over)."""
    choice, _created = AccountLanguage.objects.update_or_create(user=user, defaults={"language": language})
    return choice


def language_for_user(user) -> str | None:
    """The language a person signing in should get, or None to keep the browser's.

    Their own choice on the language form first, else their participant record's preferred
    language. The participant is read through its reverse relation (``User.participant``),
    so this app imports no domain app.
    """
    choice = AccountLanguage.objects.filter(user=user).values_list("language", flat=True).first()
    if choice is None:
        try:
            choice = user.participant.preferred_language
        except (AttributeError, ObjectDoesNotExist):
            choice = None
    if choice and translation.check_for_language(choice) and choice in dict(settings.LANGUAGES):
        return choice
    return None
