"""What every list's filters share: a yes/no filter as one checkbox."""

import django_filters
from django import forms


class _TickedField(forms.NullBooleanField):
    """Ticked: yes; not ticked: no filter at all (never "Unknown / Yes / No")."""

    widget = forms.CheckboxInput

    def to_python(self, value):
        return True if super().to_python(value) else None


class CheckboxFilter(django_filters.BooleanFilter):
    """A yes/no filter drawn as a checkbox: ticked filters the list, unticked leaves it whole."""

    field_class = _TickedField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)
