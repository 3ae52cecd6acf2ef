"""Officer forms for programmes, visits, host cities, itinerary items, themes and follow-ups.

Forms validate and lay themselves out; the views hand ``cleaned_data`` to a service.
"""

import datetime as dt
import re

from crispy_forms.layout import Column, Row
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delegations.selectors import delegations_for_officer
from officers.forms import duplicate_error, form_helper, offer_fetched, validate_sane_date
from partners.models import Organisation
from partners.selectors import folded

from .localtime import NonexistentLocalTime, local_to_utc
from .models import ItineraryItem, Programme, StudyVisit, Theme, TravelLeg, VisitStop
from .planner import entry_key, entry_label
from .selectors import cities_for_visit, programmes_for_officer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A number a phone can dial: an optional +, then digits with the usual separators, 3 digits at least.
PHONE_NUMBER = re.compile(r"\+?(?=(?:\D*\d){3})[\d\s().\-/]+")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ReminderDaysField(forms.CharField):
    default_error_messages = {
        "invalid": _("Give whole numbers of days between 0 and 365, separated by commas, e.g. “7, 1”."),
    }

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(day) for day in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value.strip():
            return []
        try:
            days = [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(day < 0 or day > 365 for day in days):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted(set(days), reverse=True)


class ProgrammeForm(forms.ModelForm):
    # Required: an omitted field would otherwise pass the form (the model has a default) and reach
    # the service as an empty list, which the model refuses.
    reminder_days = ReminderDaysField(
        label=_("Reminder days before a visit"),
        help_text=_("Days before a visit starts on which delegates are reminded, e.g. 7, 1."),
    )

    class Meta:
        model = Programme
        fields = ["name", "organiser", "description", "supporters", "partner_networks", "reminder_days"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["supporters"].widget.attrs["size"] = 8
        self.fields["partner_networks"].queryset = Organisation.objects.filter(kind=Organisation.Kind.NETWORK)
        self.fields["partner_networks"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["partner_networks"].choices
        )
        self.helper = form_helper()

    def clean_name(self):
        name = self.cleaned_data["name"]
        key = folded(name)
        others = Programme.objects.exclude(pk=self.instance.pk).only("pk", "name").order_by("pk")
        if existing := next((programme for programme in others if folded(programme.name) == key), None):
            # Linked only when the officer runs it; otherwise its name (the one just typed) is all it says.
            reachable = programmes_for_officer(self.user).filter(pk=existing.pk).exists()
            url = reverse("visits:programme_detail", args=[existing.pk]) if reachable else None
            raise duplicate_error(existing.name, url)
        return name


class ProgrammeOfficerForm(forms.Form):
    """Add an officer to a programme's team by email: an existing account, or a new one invited."""

    email = forms.EmailField(
        label=_("Email"), help_text=_("Someone without an account gets an email to set a password.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class VisitForm(forms.ModelForm):
    class Meta:
        model = StudyVisit
        fields = ["programme", "title", "delegation", "starts_on", "ends_on", "themes", "summary"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "themes": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_for_officer(user)
        self.fields["delegation"].queryset = delegations_for_officer(user)
        self.fields["delegation"].help_text = _("The travelling group; you can choose it later.")
        self.helper = form_helper(
            "programme",
            "title",
            "delegation",
            Row(Column("starts_on", css_class="col-sm-6"), Column("ends_on", css_class="col-sm-6")),
            "themes",
            "summary",
        )


class VisitCloneForm(forms.Form):
    title = forms.CharField(label=_("Title of the new visit"), max_length=200)
    starts_on = forms.DateField(
        label=_("The new visit starts on"),
        widget=DATE,
        help_text=_("Host cities and itinerary move by the same number of days, at the same local times."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean_name(self):
        name = self.cleaned_data["name"]
        key = folded(name)
        others = Theme.objects.exclude(pk=self.instance.pk).only("pk", "name").order_by("pk")
        if existing := next((theme for theme in others if folded(theme.name) == key), None):
            raise duplicate_error(existing.name, reverse("visits:theme_edit", args=[existing.pk]))
        return name


class PublishConfirmForm(forms.Form):
    """The confirmation on the publish preview: the preview's fingerprint, and for a visit that has
    ended, the officer's explicit yes."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
    ended_confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, ended_question: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if ended_question:
            self.fields["ended_confirmed"].label = ended_question
            self.fields["ended_confirmed"].required = True
            self.fields["ended_confirmed"].error_messages["required"] = _(
                "Tick the box to email the delegates of a visit that has ended."
            )
        else:
            del self.fields["ended_confirmed"]
        self.helper = form_helper()


class VisitStopForm(forms.ModelForm):
    class Meta:
        model = VisitStop
        fields = ["city", "arrives_on", "departs_on", "position"]
        widgets = {"arrives_on": DATE, "departs_on": DATE}

    def __init__(self, *args, cities=None, **kwargs):
        """``cities``: every city by name, fetched by a page that offers them in other forms too."""
        super().__init__(*args, **kwargs)
        if cities is not None:
            offer_fetched(self.fields["city"], cities)
        self.fields["position"].required = False
        if not self.instance.pk:
            self.initial["position"] = None
        self.fields["position"].help_text = _("Leave empty to add it after the last host city.")
        self.helper = form_helper(
            Row(
                Column("city", css_class="col-md-4"),
                Column("arrives_on", css_class="col-sm-4 col-md-3"),
                Column("departs_on", css_class="col-sm-4 col-md-3"),
                Column("position", css_class="col-sm-4 col-md-2"),
            )
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("position") is None:
            cleaned["position"] = self.instance.position
        return cleaned

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if not self.instance.pk:
            exclusions.add("position")
        return exclusions


OCCURRENCES = [(0, _("The first time (still summer time)")), (1, _("The second time (standard time)"))]


def occurrence_field(label) -> forms.TypedChoiceField:
    """Which of a time's two instants on the night the clocks go back; the first unless chosen."""
    return forms.TypedChoiceField(
        label=label,
        choices=OCCURRENCES,
        coerce=int,
        initial=0,
        required=False,
        empty_value=0,
        help_text=_(
            "Only matters the night the clocks go back, when a time such as 01:30 happens twice: "
            "the first is taken unless you choose the second."
        ),
    )


class LocalTimesErrorsMixin:
    """The model speaks of instants (``starts_at``, ``departs_at``); the officer typed local
    times: a model error lands on the field the officer filled in (``field_for_model_error``)."""

    field_for_model_error: dict[str, str] = {}

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {self.field_for_model_error.get(name, name): value for name, value in errors.error_dict.items()}
            )
        super()._update_errors(errors)


class ItineraryItemForm(LocalTimesErrorsMixin, forms.ModelForm):
    """An item entered in its city's wall-clock time; it is stored in UTC.

    A local time the clocks skip is refused; a local time that happens twice (the night
    daylight saving ends) is the occurrence the officer chose (``start_occurrence``,
    ``end_occurrence``), else the first, which is then listed in ``ambiguous`` to say so.
    """

    day = forms.DateField(label=_("Date"), widget=DATE, validators=[validate_sane_date])
    start_time = forms.TimeField(label=_("Starts (local time)"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends (local time)"), widget=TIME)
    end_day = forms.DateField(
        label=_("Ends on another date"),
        widget=DATE,
        required=False,
        help_text=_("Only for overnight items."),
        validators=[validate_sane_date],
    )
    start_occurrence = occurrence_field(_("If the start time happens twice"))
    end_occurrence = occurrence_field(_("If the end time happens twice"))

    class Meta:
        model = ItineraryItem
        fields = [
            "city",
            "kind",
            "title",
            "status",
            "venue",
            "address",
            "host_organisations",
            "host_contact",
            "host_contact_role",
            "host_contact_phone",
            "host_contact_shared",
            "themes",
            "description",
            "notes_for_delegates",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 2}),
            "notes_for_delegates": forms.Textarea(attrs={"rows": 2}),
        }

    field_for_model_error = {"starts_at": "start_time", "ends_at": "end_time"}

    def __init__(self, *args, cities=None, **kwargs):
        """``cities``: the list ``cities_for_visit`` gives, fetched by a page with several such forms."""
        super().__init__(*args, **kwargs)
        self.ambiguous = []
        self.fields["city"].queryset = cities_for_visit(self.instance.visit)
        if cities is not None:
            offer_fetched(self.fields["city"], cities)
        self.fields["city"].help_text = _("Times are read in this city's local time.")
        self.fields["host_organisations"].queryset = Organisation.objects.all()
        self.fields["host_organisations"].widget.attrs["size"] = 6
        self.fields["host_contact"].label = _("Host contact's name")
        self.fields["host_contact_phone"].widget.input_type = "tel"
        self.fields["host_contact_shared"].help_text = _(
            "Delegates see the contact's name, role and phone on their itinerary and its PDF only when this is ticked."
        )
        if self.instance.pk and not self.is_bound:
            start, end = self.instance.local_start, self.instance.local_end
            self.initial.update({"day": start.date(), "start_time": start.time(), "end_time": end.time()})
            self.initial.update({"start_occurrence": start.fold, "end_occurrence": end.fold})
            if end.date() != start.date():
                self.initial["end_day"] = end.date()
        self.helper = form_helper(
            Row(Column("title", css_class="col-md-8"), Column("kind", css_class="col-md-4")),
            Row(
                Column("city", css_class="col-md-4"),
                Column("day", css_class="col-sm-6 col-md-4"),
                Column("status", css_class="col-sm-6 col-md-4"),
            ),
            Row(
                Column("start_time", css_class="col-4"),
                Column("end_time", css_class="col-4"),
                Column("end_day", css_class="col-4"),
            ),
            Row(Column("start_occurrence", css_class="col-sm-6"), Column("end_occurrence", css_class="col-sm-6")),
            Row(Column("venue", css_class="col-md-6"), Column("address", css_class="col-md-6")),
            Row(Column("host_organisations", css_class="col-md-6"), Column("host_contact", css_class="col-md-6")),
            Row(Column("host_contact_role", css_class="col-md-6"), Column("host_contact_phone", css_class="col-md-6")),
            "host_contact_shared",
            "themes",
            "description",
            "notes_for_delegates",
        )

    def clean_host_contact_phone(self):
        phone = self.cleaned_data["host_contact_phone"].strip()
        if phone and not PHONE_NUMBER.fullmatch(phone):
            raise forms.ValidationError(
                _("Enter a phone number with digits, spaces, dashes or brackets, e.g. +1 615 555 0100.")
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        city, day, start, end = (cleaned.get(name) for name in ("city", "day", "start_time", "end_time"))
        if not (city and day and start and end):
            return cleaned
        end_day = cleaned.get("end_day") or day
        zone = city.zone
        times = {}
        for field, when_day, when_time, occurrence in (
            ("start_time", day, start, cleaned.get("start_occurrence") or 0),
            ("end_time", end_day, end, cleaned.get("end_occurrence") or 0),
        ):
            try:
                times[field], ambiguous = local_to_utc(when_day, when_time, zone, occurrence=occurrence)
            except NonexistentLocalTime:
                self.add_error(
                    field,
                    _(
                        "%(time)s does not exist on %(day)s in %(city)s: the clocks skip it for daylight saving "
                        "time. Choose a time an hour later."
                    )
                    % {"time": when_time.strftime("%H:%M"), "day": when_day.isoformat(), "city": city.name},
                )
                continue
            if ambiguous and not occurrence:
                self.ambiguous.append(f"{when_day.isoformat()} {when_time:%H:%M}")
        if len(times) == 2:
            if times["end_time"] <= times["start_time"]:
                self.add_error("end_time", _("An item must end after it starts."))
            else:
                self.instance.starts_at = cleaned["starts_at"] = times["start_time"]
                self.instance.ends_at = cleaned["ends_at"] = times["end_time"]
        return cleaned

    @property
    def item_fields(self) -> dict:
        """What the itinerary services take."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["starts_at"] = self.cleaned_data["starts_at"]
        data["ends_at"] = self.cleaned_data["ends_at"]
        return data


def _skipped_time_message(when_time, when_day, city) -> str:
    return _(
        "%(time)s does not exist on %(day)s in %(city)s: the clocks skip it for daylight saving "
        "time. Choose a time an hour later."
    ) % {"time": when_time.strftime("%H:%M"), "day": when_day.isoformat(), "city": city.name}


class TravelLegForm(LocalTimesErrorsMixin, forms.ModelForm):
    """A leg entered as a local date and time at each end, each in its own city's zone; stored in UTC.

    As for items, a local time the clocks skip is refused and one that happens twice is the
    occurrence chosen, else the first, then listed in ``ambiguous`` (with its city) to say so.
    """

    departure_day = forms.DateField(label=_("Departure date"), widget=DATE, validators=[validate_sane_date])
    departure_time = forms.TimeField(label=_("Departs (local time at the start)"), widget=TIME)
    arrival_day = forms.DateField(
        label=_("Arrival date"),
        widget=DATE,
        required=False,
        validators=[validate_sane_date],
        help_text=_("Leave empty when it is the same date."),
    )
    arrival_time = forms.TimeField(label=_("Arrives (local time at the end)"), widget=TIME)
    departure_occurrence = occurrence_field(_("If the departure time happens twice"))
    arrival_occurrence = occurrence_field(_("If the arrival time happens twice"))

    class Meta:
        model = TravelLeg
        fields = [
            "kind",
            "status",
            "from_city",
            "from_place",
            "to_city",
            "to_place",
            "carrier",
            "reference",
            "members",
            "notes_for_delegates",
        ]
        widgets = {
            "members": forms.CheckboxSelectMultiple,
            "notes_for_delegates": forms.Textarea(attrs={"rows": 2}),
        }

    field_for_model_error = {"departs_at": "departure_time", "arrives_at": "arrival_time"}

    def __init__(self, *args, cities=None, **kwargs):
        """``cities``: the list ``cities_for_visit`` gives, fetched by a page with several such forms."""
        super().__init__(*args, **kwargs)
        self.ambiguous: list[tuple[str, str]] = []
        visit = self.instance.visit
        self.fields["from_city"].queryset = cities_for_visit(visit)
        self.fields["from_city"].help_text = _("The departure is read in this city's local time.")
        self.fields["to_city"].queryset = cities_for_visit(visit)
        if cities is not None:
            offer_fetched(self.fields["from_city"], cities)
            offer_fetched(self.fields["to_city"], cities)
        self.fields["to_city"].help_text = _("The arrival is read in this city's local time.")
        members = self.fields["members"]
        members.queryset = (
            visit.delegation.members.select_related("participant") if visit.delegation_id else (members.queryset.none())
        )
        members.label_from_instance = lambda member: member.participant.full_name
        members.help_text = _("Leave all unticked when the whole delegation travels.")
        if self.instance.pk and not self.is_bound:
            departure, arrival = self.instance.local_departure, self.instance.local_arrival
            self.initial.update(
                {"departure_day": departure.date(), "departure_time": departure.time(), "arrival_time": arrival.time()}
            )
            self.initial.update({"departure_occurrence": departure.fold, "arrival_occurrence": arrival.fold})
            if arrival.date() != departure.date():
                self.initial["arrival_day"] = arrival.date()
        self.helper = form_helper(
            Row(Column("kind", css_class="col-sm-6"), Column("status", css_class="col-sm-6")),
            Row(Column("from_city", css_class="col-md-6"), Column("from_place", css_class="col-md-6")),
            Row(Column("departure_day", css_class="col-6"), Column("departure_time", css_class="col-6")),
            Row(Column("to_city", css_class="col-md-6"), Column("to_place", css_class="col-md-6")),
            Row(Column("arrival_day", css_class="col-6"), Column("arrival_time", css_class="col-6")),
            Row(
                Column("departure_occurrence", css_class="col-sm-6"),
                Column("arrival_occurrence", css_class="col-sm-6"),
            ),
            Row(Column("carrier", css_class="col-sm-6"), Column("reference", css_class="col-sm-6")),
            "members",
            "notes_for_delegates",
        )

    def clean(self):
        cleaned = super().clean()
        names = ("from_city", "departure_day", "departure_time", "to_city", "arrival_time")
        from_city, day, start, to_city, end = (cleaned.get(name) for name in names)
        if not (from_city and day and start and to_city and end):
            return cleaned
        arrival_day = cleaned.get("arrival_day") or day
        times = {}
        for field, city, when_day, when_time, occurrence in (
            ("departure_time", from_city, day, start, cleaned.get("departure_occurrence") or 0),
            ("arrival_time", to_city, arrival_day, end, cleaned.get("arrival_occurrence") or 0),
        ):
            try:
                times[field], ambiguous = local_to_utc(when_day, when_time, city.zone, occurrence=occurrence)
            except NonexistentLocalTime:
                self.add_error(field, _skipped_time_message(when_time, when_day, city))
                continue
            if ambiguous and not occurrence:
                self.ambiguous.append((f"{when_day.isoformat()} {when_time:%H:%M}", city.name))
        if len(times) == 2:
            if times["arrival_time"] <= times["departure_time"]:
                self.add_error("arrival_time", _("The arrival must come after the departure."))
            else:
                self.instance.departs_at = cleaned["departs_at"] = times["departure_time"]
                self.instance.arrives_at = cleaned["arrives_at"] = times["arrival_time"]
        return cleaned

    @property
    def leg_fields(self) -> dict:
        """What the travel leg services take."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["departs_at"] = self.cleaned_data["departs_at"]
        data["arrives_at"] = self.cleaned_data["arrives_at"]
        return data


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "name_fr", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean_name(self):
        name = self.cleaned_data["name"]
        key = folded(name)
        others = Theme.objects.exclude(pk=self.instance.pk).only("pk", "name").order_by("pk")
        if existing := next((theme for theme in others if folded(theme.name) == key), None):
            raise duplicate_error(existing.name, reverse("visits:theme_edit", args=[existing.pk]))
        return name


class WallClockField(forms.DateTimeField):
    """A wall-clock date and time with no zone ("2019-11-03T09:00"): the planner says whose clock."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    formats = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")

    def __init__(self, **kwargs):
        super().__init__(validators=[validate_sane_date], **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        for pattern in self.formats:
            try:
                # A wall-clock time on purpose: the planner's form says in which city's zone to read it.
                return dt.datetime.strptime(str(value).strip(), pattern)  # noqa: DTZ007
            except ValueError:
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def _entry_choices(entries) -> list[tuple[str, str]]:
    return [(entry_key(entry), entry_label(entry)) for entry in entries]


class PlannerMoveForm(forms.Form):
    """A new start and end for one item or leg, as wall-clock times: what a drag in the planner sends.

    ``city`` names the calendar whose clock both times are read on (a leg shows in two);
    without it a start is read in the city where the entry starts and an end where it ends.
    A time the clocks skip is refused in words; one they pass twice keeps the occurrence the
    entry had, else the first, which is then listed in ``ambiguous``.
    """

    entry = forms.ChoiceField(label=_("Entry"))
    start = WallClockField(label=_("New start (local time)"))
    end = WallClockField(label=_("New end (local time)"))
    city = forms.TypedChoiceField(label=_("Read both times in"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, entries, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {entry_key(entry): entry for entry in entries}
        self.cities = {city.pk: city for city in cities}
        self.ambiguous: list[tuple[str, str]] = []
        self.fields["entry"].choices = _entry_choices(entries)
        self.fields["city"].choices = [("", _("each end in its own city"))] + [(city.pk, city.name) for city in cities]
        self.helper = form_helper(
            "entry",
            Row(Column("start", css_class="col-sm-6"), Column("end", css_class="col-sm-6")),
            "city",
        )

    def clean(self):
        cleaned = super().clean()
        entry, start, end = (cleaned.get(name) for name in ("entry", "start", "end"))
        if not (entry and start and end):
            return cleaned
        entry = cleaned["entry"] = self.entries[entry]
        ends = (entry.from_city, entry.to_city) if entry.is_leg else (entry.city, entry.city)
        if cleaned.get("city") is not None:
            city = self.cities[cleaned["city"]]
            if city not in ends:
                self.add_error(
                    "city", _("“%(entry)s” is not on %(city)s's clock.") % {"entry": entry.title, "city": city.name}
                )
                return cleaned
            ends = (city, city)
        times = []
        for field, city, naive, was in (
            ("start", ends[0], start, entry.starts_at),
            ("end", ends[1], end, entry.ends_at),
        ):
            fold = was.astimezone(city.zone).fold
            try:
                moment, ambiguous = local_to_utc(naive.date(), naive.time(), city.zone, occurrence=fold)
            except NonexistentLocalTime:
                self.add_error(field, _skipped_time_message(naive.time(), naive.date(), city))
                continue
            except OverflowError:
                self.add_error(field, _("Enter a date between the years 1900 and 2100."))
                continue
            if ambiguous and not fold:
                self.ambiguous.append((f"{naive:%Y-%m-%d %H:%M}", city.name))
            times.append(moment)
        if len(times) == 2:
            if times[1] <= times[0]:
                self.add_error("end", _("An entry must end after it starts."))
            else:
                cleaned["starts_at"], cleaned["ends_at"] = times
        return cleaned

    @property
    def entry_fields(self) -> dict:
        """What the entry's update service takes."""
        if self.cleaned_data["entry"].is_leg:
            return {"departs_at": self.cleaned_data["starts_at"], "arrives_at": self.cleaned_data["ends_at"]}
        return {"starts_at": self.cleaned_data["starts_at"], "ends_at": self.cleaned_data["ends_at"]}


class PlannerBulkForm(forms.Form):
    """Entries ticked in the planner's list, and what to do with them: confirm, or shift by minutes.

    ``nudge`` ("item-5 15m", "leg-3 -1d") is one row's own button: that entry alone, moved by
    15 minutes or a day, for the keyboard.
    """

    ACTIONS = {"confirm": _("Confirm selected"), "shift": _("Shift selected")}

    entries = forms.MultipleChoiceField(label=_("Entries"), required=False, widget=forms.CheckboxSelectMultiple)
    action = forms.ChoiceField(label=_("Action"), choices=list(ACTIONS.items()), required=False)
    minutes = forms.IntegerField(
        label=_("Minutes"),
        required=False,
        min_value=-7 * 24 * 60,
        max_value=7 * 24 * 60,
        help_text=_("Negative moves earlier."),
    )
    nudge = forms.RegexField(regex=r"^(item|leg)-\d{1,10} -?\d{1,4}[md]$", required=False)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_key = {entry_key(entry): entry for entry in entries}
        self.fields["entries"].choices = _entry_choices(entries)

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("days", 0)
        if nudge := cleaned.get("nudge"):
            key, amount = nudge.split(" ")
            if key not in self.by_key:
                raise ValidationError(_("That entry is no longer in this visit's itinerary."))
            cleaned.update(action="shift", selected=[self.by_key[key]], minutes=0)
            cleaned["minutes" if amount.endswith("m") else "days"] = int(amount[:-1])
            return cleaned
        if self.errors:
            return cleaned
        selected = [self.by_key[key] for key in cleaned.get("entries", [])]
        if not cleaned.get("action"):
            raise ValidationError(_("Choose what to do with the selected entries."))
        if not selected:
            raise ValidationError(_("Tick at least one entry first."))
        if cleaned["action"] == "shift" and not cleaned.get("minutes"):
            self.add_error("minutes", _("Give the number of minutes to shift by (negative moves earlier)."))
        cleaned["selected"] = selected
        return cleaned
