"""The officer's confirmation before erasing a person."""

from django import forms
from django.utils.translation import gettext_lazy as _

from officers.forms import form_helper


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


class ParticipantEraseForm(forms.Form):
    """Typing the person's full name makes erasing the wrong person, or by a stray click, unlikely."""

    confirm_name = forms.CharField(label=_("Type the person's full name to confirm"), max_length=220)

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["confirm_name"].help_text = _("Type “%(name)s”.") % {"name": participant.full_name}
        self.helper = form_helper()

    def clean_confirm_name(self):
        value = self.cleaned_data["confirm_name"]
        if _squash(value) != _squash(self.participant.full_name):
            raise forms.ValidationError(_("This is not the person's full name; nothing was erased."))
        return value
