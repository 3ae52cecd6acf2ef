"""Forms for a member's own travel, hotel and record, and for the programme's invitation letters."""

import datetime as dt
import zoneinfo
from functools import cache

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from delegations.models import DelegationMember, Participant
from delegations.services import PARTICIPANT_OWN_FIELDS
from officers.forms import form_helper, validate_sane_date
from partners.models import City, validate_time_zone

from .models import (
    LETTER_PLACEHOLDERS,
    Accommodation,
    CheckIn,
    CheckInRequest,
    DelegationMessage,
    InvitationLetterTemplate,
    PersonalTravel,
)


@cache
def zone_names() -> list[str]:
    """The IANA zones a picker offers (its ``<datalist id="time-zones">``)."""
    return sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone and not zone.startswith("Etc/"))


def _zone_field(label) -> forms.CharField:
    # A text box searching a list of zones as one types (a datalist), not a select of 600
    # options; empty when there is no zone to suggest, never the list's first.
    return forms.CharField(
        label=label,
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("Type a city to search, e.g. Chicago for America/Chicago."),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}),
    )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PersonalTravelForm(forms.ModelForm):
    """Times are typed as the clocks show them at each end, in that end's time zone."""

    departure_timezone = _zone_field(_("time zone at departure"))
    departs_local = forms.DateTimeField(
        label=_("departs at (local time)"), widget=LocalDateTimeInput(), validators=[validate_sane_date]
    )
    arrival_timezone = _zone_field(_("time zone at arrival"))
    arrives_local = forms.DateTimeField(
        label=_("arrives at (local time)"), widget=LocalDateTimeInput(), validators=[validate_sane_date]
    )

    class Meta:
        model = PersonalTravel
        fields = [
            "direction",
            "mode",
            "carrier",
            "departure_place",
            "departure_timezone",
            "arrival_place",
            "arrival_timezone",
            "booking_reference",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    field_order = [
        "direction",
        "mode",
        "carrier",
        "departure_place",
        "departure_timezone",
        "departs_local",
        "arrival_place",
        "arrival_timezone",
        "arrives_local",
        "booking_reference",
        "notes",
    ]

    def __init__(self, *args, host_zones: tuple[str, str] = ("", ""), home_zone: str = "", **kwargs):
        """``host_zones``: the zones of the visit's first and last host cities; ``home_zone``: the member's."""
        super().__init__(*args, **kwargs)
        travel = self.instance
        if travel.pk:
            self.initial["departs_local"] = travel.local_departure.replace(tzinfo=None)
            self.initial["arrives_local"] = travel.local_arrival.replace(tzinfo=None)
        else:
            first_host, last_host = host_zones
            # A new leg is the way out unless asked for the way home; its zones follow from that.
            self.initial["direction"] = self.initial.get("direction") or PersonalTravel.Direction.ARRIVAL
            if self.initial["direction"] == PersonalTravel.Direction.DEPARTURE:
                defaults = {"departure_timezone": last_host, "arrival_timezone": home_zone}
            else:
                defaults = {"departure_timezone": home_zone, "arrival_timezone": first_host}
            for name, zone in defaults.items():
                # A new leg's initial holds its empty zones already, so setdefault would keep them.
                if not self.initial.get(name):
                    self.initial[name] = zone
        self.helper = form_helper(submit=_("Save"), submit_name="save")

    def _aware(self, naive: dt.datetime, zone: str) -> dt.datetime:
        # The form gives a naive wall-clock time (it may carry the server's zone: drop it).
        return naive.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(zone))

    def clean(self):
        cleaned = super().clean()
        departs, arrives = cleaned.get("departs_local"), cleaned.get("arrives_local")
        departure_zone, arrival_zone = cleaned.get("departure_timezone"), cleaned.get("arrival_timezone")
        if departs and departure_zone:
            self.instance.departs_at = self._aware(departs, departure_zone)
        if arrives and arrival_zone:
            self.instance.arrives_at = self._aware(arrives, arrival_zone)
        departs_at, arrives_at = self.instance.departs_at, self.instance.arrives_at
        if departs_at and arrives_at and arrives_at <= departs_at:
            # Said once, on a field the person typed (when only one end changed, the other end is the
            # saved one); the model's own check would name a hidden field, which a form cannot show.
            self.instance.arrives_at = None
            self.add_error(
                "arrives_local" if arrives else "departs_local",
                _("The arrival must come after the departure, counting both time zones."),
            )
        return cleaned


class AccommodationForm(forms.ModelForm):
    class Meta:
        model = Accommodation
        fields = ["name", "address", "city", "check_in", "check_out", "phone", "booking_reference", "notes"]
        widgets = {
            "check_in": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "check_out": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("check_in", "check_out"):
            self.fields[name].validators.append(validate_sane_date)
        self.helper = form_helper(submit=_("Save"), submit_name="save")


class InvitationLetterTemplateForm(forms.ModelForm):
    class Meta:
        model = InvitationLetterTemplate
        fields = ["subject", "body", "signatory"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = ", ".join(f"{{{name}}}" for name in LETTER_PLACEHOLDERS)
        self.fields["body"].help_text = _("Placeholders you can use: %(names)s") % {"names": names}
        self.helper = form_helper(submit=_("Save"), submit_name="save")


class OwnRecordForm(forms.ModelForm):
    """A delegate's own needs and emergency contact, as the officers and hosts will read them."""

    class Meta:
        model = Participant
        fields = list(PARTICIPANT_OWN_FIELDS)
        widgets = {
            "dietary_needs": forms.Textarea(attrs={"rows": 2}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 2}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit=_("Save"), submit_name="save")


class MailChoicesForm(forms.ModelForm):
    """Which optional mail a delegate gets; the itinerary, its changes and safety messages always go."""

    class Meta:
        model = Participant
        fields = ["reminders_mail", "lessons_requests_mail"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit=_("Save"), submit_name="save")


class InvitationPasswordForm(forms.Form):
    """Choose a password from an invitation link; checked against the project's password rules."""

    password1 = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.helper = form_helper(submit=_("Set my password and sign in"), submit_name="save")

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ: type the same password twice."))
        elif first:
            person = get_user_model()(
                username=self.participant.email,
                email=self.participant.email,
                first_name=self.participant.first_name,
                last_name=self.participant.last_name,
            )
            try:
                password_validation.validate_password(first, person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class CheckInForm(forms.Form):
    """A delegate's answer: the button they tap is the status; a message is optional."""

    status = forms.ChoiceField(choices=CheckIn.Status.choices, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CheckInRequestForm(forms.Form):
    """Ask every delegate of the visit, or those the itinerary puts in one of its host cities now."""

    scope = forms.ChoiceField(
        label=_("Ask"), choices=CheckInRequest.Scope.choices, initial=CheckInRequest.Scope.ALL, widget=forms.RadioSelect
    )
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), required=False)

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.filter(visit_stops__visit=visit).distinct().order_by("name")
        self.helper = form_helper(submit=_("Send the check-in request"), submit_name="send")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == CheckInRequest.Scope.CITY and not cleaned.get("city"):
            self.add_error("city", _("Choose the city whose delegates you are asking."))
        return cleaned


class DelegationMessageForm(forms.ModelForm):
    """An officer's message to the delegation: to whom, and the text in English, French or both.

    Each delegate gets the text in their preferred language, or the other one when only that was
    written. The model's ``clean`` says what is missing.
    """

    class Meta:
        model = DelegationMessage
        fields = ["audience", "role", "city", "subject_en", "body_en", "subject_fr", "body_fr"]
        widgets = {
            "audience": forms.RadioSelect,
            "body_en": forms.Textarea(attrs={"rows": 6, "lang": "en"}),
            "body_fr": forms.Textarea(attrs={"rows": 6, "lang": "fr"}),
            "subject_en": forms.TextInput(attrs={"lang": "en"}),
            "subject_fr": forms.TextInput(attrs={"lang": "fr"}),
        }

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "—"), *DelegationMember.Role.choices],
        required=False,
        help_text=_("For “The delegates with one role”."),
    )

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, instance=DelegationMessage(visit=visit), **kwargs)
        self.fields["city"].queryset = City.objects.filter(visit_stops__visit=visit).distinct().order_by("name")
        self.fields["city"].required = False
        self.fields["city"].help_text = _("Where the itinerary has them at the moment you send.")
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        # Only the chosen audience's detail is kept: a role or a city left from another choice is dropped.
        if cleaned.get("audience") != DelegationMessage.Audience.ROLE:
            cleaned["role"] = ""
        if cleaned.get("audience") != DelegationMessage.Audience.CITY:
            cleaned["city"] = None
        return cleaned
