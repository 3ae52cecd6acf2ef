"""What every officer form shares."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django.core.exceptions import ValidationError


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
