from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from officers.forms import NearDuplicateCheck, duplicate_error, form_helper

from .models import City, NetworkMembership, Organisation
from .selectors import city_duplicate, city_near_duplicates, organisation_duplicate, organisation_near_duplicates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CityForm(NearDuplicateCheck, forms.ModelForm):
    near_duplicate_label = _("This is a different city")

    class Meta:
        model = City
        fields = ["name", "region", "country", "timezone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].widget.attrs["list"] = "time-zones"
        self.helper = form_helper(
            Row(Column("name", css_class="col-md-6"), Column("region", css_class="col-md-6")),
            Row(Column("country", css_class="col-sm-4"), Column("timezone", css_class="col-sm-8")),
            "not_a_duplicate",
        )

    def clean_country(self):
        return self.cleaned_data["country"].upper()

    def clean(self):
        cleaned = super().clean()
        name, country = cleaned.get("name"), cleaned.get("country")
        if not name or not country or "region" not in cleaned:
            return cleaned
        where = {"name": name, "region": cleaned["region"], "country": country, "exclude_pk": self.instance.pk}
        if existing := city_duplicate(**where):
            self.add_error("name", duplicate_error(existing.long_name, existing.get_absolute_url()))
        else:
            self.near_duplicates_offer(
                [(city.long_name, city.get_absolute_url()) for city in city_near_duplicates(**where)]
            )
        return cleaned


class OrganisationForm(NearDuplicateCheck, forms.ModelForm):
    near_duplicate_label = _("This is a different organisation")
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "name_fr", "acronym", "kind", "city", "parent", "website", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"name_fr": _("Shown to French readers; left empty, they see the English name.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].queryset = Organisation.objects.exclude(pk=self.instance.pk)
        self.helper = form_helper(
            Row(
                Column("name", css_class="col-md-5"),
                Column("name_fr", css_class="col-md-5"),
                Column("acronym", css_class="col-md-2"),
            ),
            Row(
                Column("kind", css_class="col-md-4"),
                Column("city", css_class="col-md-4"),
                Column("parent", css_class="col-md-4"),
            ),
            "website",
            "description",
            "not_a_duplicate",
        )

    def clean(self):
        cleaned = super().clean()
        if not (name := cleaned.get("name")):
            return cleaned
        if existing := organisation_duplicate(name=name, exclude_pk=self.instance.pk):
            self.add_error("name", duplicate_error(str(existing), existing.get_absolute_url()))
        else:
            near = organisation_near_duplicates(
                name=name, acronym=cleaned.get("acronym", ""), exclude_pk=self.instance.pk
            )
            self.near_duplicates_offer([(str(organisation), organisation.get_absolute_url()) for organisation in near])
        return cleaned


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
