"""Forms for what a visit achieved: meeting notes, lessons and membership outcomes."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import City, NetworkMembership, Organisation

from .models import ItemNote, ItineraryItem, Lesson, StudyVisit, Theme


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class ItemNoteForm(forms.ModelForm):
    class Meta:
        model = ItemNote
        fields = ["item", "discussed", "met_with"]
        widgets = {"discussed": forms.Textarea(attrs={"rows": 4}), "met_with": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, visit: StudyVisit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = visit.itinerary_items.select_related("city").exclude(
            kind=ItineraryItem.Kind.TRAVEL
        )
        self.helper = _helper(_("Save note"))


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["theme", "title", "body", "item"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, visit: StudyVisit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.all()
        self.fields["item"].queryset = visit.itinerary_items.select_related("city").exclude(
            kind=ItineraryItem.Kind.TRAVEL
        )
        self.helper = _helper(_("Save lesson"))


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record membership"))
