"""What every officer form shares."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django.core.exceptions import ValidationError
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
