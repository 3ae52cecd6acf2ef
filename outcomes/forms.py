"""Forms for what a visit achieved: meeting notes, lessons and membership outcomes."""

from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from delegations.selectors import participants_for_officer
from officers.forms import form_helper, offer_fetched
from partners.models import City, NetworkMembership, Organisation
from visits.forms import DATE
from visits.models import ItineraryItem, Programme, StudyVisit, Theme
from visits.selectors import programmes_for_officer, visits_for_officer

from .models import FollowUp, ItemNote, Lesson


def items_to_note(visit: StudyVisit):
    """The items of ``visit`` a note or a lesson may be about (not the travel between them), in time order."""
    return visit.itinerary_items.select_related("city").exclude(kind=ItineraryItem.Kind.TRAVEL)


class _OffersFetchedItems:
    def offer_items(self, items: list[ItineraryItem]) -> None:
        """Offer ``items``, fetched by the page from ``items_to_note`` in its order, as the item choices."""
        offer_fetched(self.fields["item"], items)


class ItemNoteForm(_OffersFetchedItems, forms.ModelForm):
    class Meta:
        model = ItemNote
        fields = ["item", "discussed", "met_with"]
        widgets = {"discussed": forms.Textarea(attrs={"rows": 4}), "met_with": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, visit: StudyVisit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items_to_note(visit)
        self.helper = form_helper(submit=_("Save note"))


class LessonForm(_OffersFetchedItems, forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["theme", "title", "body", "item"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, visit: StudyVisit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.all()
        self.fields["item"].queryset = items_to_note(visit)
        self.helper = form_helper(submit=_("Save lesson"))


class MembershipOutcomeForm(forms.Form):
    network = forms.ModelChoiceField(
        label=_("network"), queryset=Organisation.objects.filter(kind=Organisation.Kind.NETWORK)
    )
    city = forms.ModelChoiceField(
        label=_("city"),
        queryset=City.objects.all(),
        required=False,
        help_text=_("Leave empty to use the follow-up's owner."),
    )
    status = forms.ChoiceField(label=_("status"), choices=NetworkMembership.Status.choices)
    since = forms.DateField(label=_("since"), widget=forms.DateInput(attrs={"type": "date"}))
    role = forms.CharField(label=_("role"), max_length=120, required=False)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    close_follow_up = forms.BooleanField(
        label=_("This answers the follow-up: mark it done"), required=False, initial=True
    )

    def __init__(self, *args, follow_up: FollowUp, **kwargs):
        super().__init__(*args, **kwargs)
        if follow_up.status not in FollowUp.OPEN_STATUSES:
            # Already done or dropped: nothing to close, and its status stays as it is.
            del self.fields["close_follow_up"]
        self.helper = form_helper(submit=_("Record membership"))


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = [
            "visit",
            "title",
            "description",
            "owner_participant",
            "owner_organisation",
            "owner_city",
            "due_on",
            "status",
            "outcome",
            "themes",
        ]
        widgets = {
            "due_on": DATE,
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = visits_for_officer(user)
        self.fields["owner_participant"].queryset = participants_for_officer(user)
        self.helper = form_helper(
            "visit",
            "title",
            "description",
            Row(
                Column("owner_participant", css_class="col-md-4"),
                Column("owner_organisation", css_class="col-md-4"),
                Column("owner_city", css_class="col-md-4"),
            ),
            Row(Column("due_on", css_class="col-sm-6"), Column("status", css_class="col-sm-6")),
            "outcome",
            "themes",
        )

    def _get_validation_exclusions(self):
        # Model.clean() already says "exactly one owner" in words; skip the same rule as a raw constraint.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("owner_city")
        return exclusions


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUp.Status.choices)


class ProgrammeScopeForm(forms.Form):
    """Which of the officer's programmes a page shows (the dashboard, the charts); empty: all of them.

    A GET form: its choice stays in the URL, so a scoped page can be bookmarked and shared.
    """

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All my programmes"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, programmes: list[Programme] | None = None, **kwargs):
        """``programmes``: the page's own list of ``programmes_for_officer(user)`` by name, to offer
        without a query of its own."""
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_for_officer(user).order_by("name", "pk")
        if programmes is not None:
            offer_fetched(self.fields["programme"], programmes)

    def scope(self) -> dict:
        """The valid choices (nothing chosen, or a bad value: no narrowing)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {name: None for name in self.fields}


class ChartsScopeForm(ProgrammeScopeForm):
    """The charts' programme and year (of the visits' start): the years the officer's visits start in."""

    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self, *args, user, programmes: list[Programme] | None = None, years: list[int] | None = None, **kwargs
    ):
        """``years``: the years the user's visits start in, latest first, where the page has them already."""
        super().__init__(*args, user=user, programmes=programmes, **kwargs)
        if years is None:
            years = [day.year for day in visits_for_officer(user).dates("starts_on", "year", order="DESC")]
        self.fields["year"].choices = [("", _("Every year"))] + [(year, year) for year in years]
