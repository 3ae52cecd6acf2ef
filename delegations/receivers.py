from django.core.exceptions import ObjectDoesNotExist

from .services import participant_language_set


def preferred_language_follow_choice(sender, user, language, **kwargs):
    """A person's choice of language on the site becomes their participant record's, so the
    portal's email to them (rendered in ``preferred_language``) follows what they chose."""
    try:
        participant = user.participant
    except ObjectDoesNotExist:
        return
    participant_language_set(participant, language=language, by=user)
