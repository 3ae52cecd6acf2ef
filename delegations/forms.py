from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from officers.forms import duplicate_error, form_helper

from .models import Delegation, DelegationMember, Participant
from .selectors import delegations_for_officer, participants_for_officer


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "organisation",
            "position",
            "profession",
            "home_city",
            "preferred_language",
            "dietary_needs",
            "accessibility_needs",
            "emergency_contact_name",
            "emergency_contact_phone",
        ]
        widgets = {
            "dietary_needs": forms.Textarea(attrs={"rows": 2}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Set when the email belongs to someone outside the officer's reach: the page then offers
        # to ask that person to join one of the officer's delegations (``participant_join_request``).
        self.email_taken_elsewhere = False
        self.helper = form_helper(
            Row(Column("first_name", css_class="col-md-6"), Column("last_name", css_class="col-md-6")),
            Row(Column("email", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
            Row(Column("organisation", css_class="col-md-6"), Column("position", css_class="col-md-6")),
            Row(
                Column("profession", css_class="col-md-4"),
                Column("home_city", css_class="col-md-4"),
                Column("preferred_language", css_class="col-md-4"),
            ),
            Row(Column("dietary_needs", css_class="col-md-6"), Column("accessibility_needs", css_class="col-md-6")),
            Row(
                Column("emergency_contact_name", css_class="col-md-6"),
                Column("emergency_contact_phone", css_class="col-md-6"),
            ),
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if not email:
            return email
        existing = Participant.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).first()
        if existing is None:
            return email
        if participants_for_officer(self.user).filter(pk=existing.pk).exists():
            raise duplicate_error(existing.full_name, existing.get_absolute_url())
        # Outside the officer's reach: say only that the address is taken, never whose it is.
        self.email_taken_elsewhere = True
        raise forms.ValidationError(
            _(
                "Someone with this email address is already in the directory, in a programme you do not run. "
                "Do not enter them again: ask them to join your delegation (below)."
            ),
            code="taken_elsewhere",
        )


class DelegationForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ["name", "home_cities", "head", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = participants_for_officer(user)
        self.fields["home_cities"].widget.attrs["size"] = 6
        self.helper = form_helper()


class MemberAddForm(forms.ModelForm):
    class Meta:
        model = DelegationMember
        fields = ["participant", "role", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants_for_officer(user)
        self.fields["participant"].help_text = _("Not in the list? Add the person to the directory first.")
        self.helper = form_helper(
            Row(
                Column("participant", css_class="col-md-6"),
                Column("role", css_class="col-sm-6 col-md-3"),
                Column("status", css_class="col-sm-6 col-md-3"),
            )
        )

    def clean_participant(self):
        participant = self.cleaned_data["participant"]
        if self.instance.delegation.members.filter(participant=participant).exists():
            raise forms.ValidationError(_("This person is already on the roster."), code="duplicate")
        return participant


class MemberForm(forms.ModelForm):
    class Meta:
        model = DelegationMember
        fields = ["role", "status"]
        widgets = {
            "role": forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
            "status": forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
        }


class JoinRequestForm(forms.Form):
    """Ask whoever owns an address to join one of the officer's delegations."""

    email = forms.EmailField(label=_("email"))
    delegation = forms.ModelChoiceField(queryset=None, label=_("delegation"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = delegations_for_officer(user).order_by("name", "pk")
        self.helper = form_helper()
