"""What every officer form shares."""

from functools import partial

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Dates a programme can mean. Far beyond them, converting a local time to UTC overflows.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def validate_sane_date(value) -> None:
    """A date or datetime field's value, refused in words outside ``EARLIEST_YEAR``-``LATEST_YEAR``."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's validation errors on the form: on the fields it shows, the rest above it.

    ``form.add_error(None, error)`` raises ``ValueError`` for a field the form does not have
    (e.g. ``arrives_at`` behind ``arrives_local``), which would turn bad input into a 500.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_helper(*layout, submit: str | None = None, submit_name: str = "submit") -> FormHelper:
    """The crispy layout of a form.

    Without ``submit`` the page draws the ``<form>`` and its buttons (``includes/form_page.html``);
    with it, crispy draws the form tag and one submit button labelled ``submit``.
    """
    helper = FormHelper()
    if layout:
        helper.layout = Layout(*layout)
    if submit:
        helper.add_input(Submit(submit_name, submit))
    else:
        helper.form_tag = False
    return helper


def _record_link(label: str, url: str | None):
    return format_html('<a href="{}">{}</a>', url, label) if url else format_html("{}", label)


def duplicate_error(label: str, url: str | None = None) -> ValidationError:
    """The error "Nashville, Tennessee, US already exists.", linking to the record when the officer may open it.

    Forms look the duplicate up in ``clean()`` and put this on the field it is about, so the
    database constraint behind it (whose own text names the constraint) is never reached: the
    ModelForm leaves a field with an error out of ``validate_constraints``.
    """
    return ValidationError(
        format_html(gettext("{record} already exists."), record=_record_link(label, url)), code="duplicate"
    )


class NearDuplicateCheck(forms.Form):
    """A form that offers near-duplicates before saving, with a box to tick to save anyway.

    The box is a hidden field until there is something to confirm; then it shows as a checkbox
    labelled ``near_duplicate_label`` under a "Did you mean …?" with a link to each candidate.
    """

    near_duplicate_label = ""
    confirm_field = "not_a_duplicate"
    not_a_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def near_duplicates_offer(self, records: list[tuple[str, str | None]]) -> None:
        """Refuse the form with "Did you mean …?" over ``records`` (label, url), unless the box is ticked."""
        if not records or self.cleaned_data.get(self.confirm_field):
            return
        field = self.fields[self.confirm_field]
        field.widget = forms.CheckboxInput()
        # The bound field was made (and took its label) while the form was cleaned.
        field.label = self[self.confirm_field].label = self.near_duplicate_label
        links = format_html_join(gettext(" or "), "{}", ((_record_link(label, url),) for label, url in records))
        self.add_error(
            None, ValidationError(format_html(gettext("Did you mean {records}?"), records=links), code="near")
        )


class MergeForm(forms.Form):
    """Choose the record to keep; the one on the page is merged into it, then deleted."""

    into = forms.ModelChoiceField(queryset=None, label=_("Keep"))
    confirm = forms.BooleanField(label=_("I understand that this one is deleted once everything is moved."))

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = queryset
        self.helper = form_helper()


class FetchedChoices(ModelChoiceIterator):
    """A model choice field's options from objects the page has fetched already, in their order: no query.

    Django's own iterator runs the field's queryset afresh for every select it renders (it uses
    ``queryset.iterator()``, which skips any result cache): four city selects fetched the cities
    four times. Validation still goes through the field's queryset, so what may be chosen is
    unchanged.
    """

    def __init__(self, field, objects):
        super().__init__(field)
        self.objects = objects

    def _labels(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if getattr(self.field, "null_label", None) is not None:  # django-filter's "none" choice
            yield (self.field.null_value, self.field.null_label)

    def __iter__(self):
        yield from self._labels()
        for obj in self.objects:
            yield self.choice(obj)

    def __len__(self):
        return len(self.objects) + len(list(self._labels()))

    def __bool__(self):
        return bool(self.objects) or any(True for _label in self._labels())


def offer_fetched(field, objects) -> None:
    """Let ``field`` (a model choice field, a form's or a filter's) offer ``objects``, fetched from its queryset."""
    field.iterator = partial(FetchedChoices, objects=objects)
    field.widget.choices = field.choices
