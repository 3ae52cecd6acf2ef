from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from officers.forms import form_helper

from .models import City, NetworkMembership, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CityForm(forms.ModelForm):
    class Meta:
        model = City
        fields = ["name", "region", "country", "timezone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].widget.attrs["list"] = "time-zones"
        self.helper = form_helper(
            Row(Column("name", css_class="col-md-6"), Column("region", css_class="col-md-6")),
            Row(Column("country", css_class="col-sm-4"), Column("timezone", css_class="col-sm-8")),
        )

    def clean_country(self):
        return self.cleaned_data["country"].upper()


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "city", "parent", "website", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].queryset = Organisation.objects.exclude(pk=self.instance.pk)
        self.helper = form_helper(
            Row(Column("name", css_class="col-md-8"), Column("acronym", css_class="col-md-4")),
            Row(
                Column("kind", css_class="col-md-4"),
                Column("city", css_class="col-md-4"),
                Column("parent", css_class="col-md-4"),
            ),
            "website",
            "description",
        )


class NetworkMembershipForm(forms.ModelForm):
    class Meta:
        model = NetworkMembership
        fields = ["city", "network", "status", "since", "until", "role", "notes"]
        widgets = {"since": DATE, "until": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Organisation.objects.filter(kind=Organisation.Kind.NETWORK)
        self.helper = form_helper(
            Row(Column("city", css_class="col-md-6"), Column("network", css_class="col-md-6")),
            Row(
                Column("status", css_class="col-md-4"),
                Column("since", css_class="col-md-4"),
                Column("until", css_class="col-md-4"),
            ),
            "role",
            "notes",
        )
