from django import forms
from django.utils.translation import gettext_lazy as _

from officers.forms import form_helper

from .models import ApiToken
from .selectors import api_tokens_for_user

EXPIRY_CHOICES = [
    ("", _("Never (until you revoke it)")),
    (30, _("In 30 days")),
    (90, _("In 90 days")),
    (365, _("In a year")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=ApiToken._meta.get_field("name").help_text,
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = form_helper(submit=_("Make the token"), submit_name="create")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        if api_tokens_for_user(self.user).filter(revoked_at__isnull=True, name__iexact=name).exists():
            raise forms.ValidationError(
                _("You already have a token named “%(name)s”: choose another name or revoke that one."),
                params={"name": name},
            )
        return name
