"""Forms of the participant import: the upload, then which column holds which field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from officers.forms import form_helper

from .imports import FIELDS, MAX_UPLOAD_BYTES


class ParticipantUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or Excel .xlsx)"),
        help_text=_(
            "One participant per row under a header row. CSV may be separated by commas or semicolons, "
            "in UTF-8 or Windows-1252. At most 2 MB."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit=_("Upload and preview"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB; split it into smaller files."))
        return upload


class ColumnMappingForm(forms.Form):
    """One choice per field: the file's column that holds it, or none."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(index), header or _("column %(number)s") % {"number": index + 1})
            for index, header in enumerate(headers)
        ]
        for import_field in FIELDS:
            self.fields[import_field.name] = forms.TypedChoiceField(
                label=import_field.label,
                choices=choices,
                required=import_field.required,
                coerce=int,
                empty_value=None,
            )
        self.helper = form_helper()

    @classmethod
    def initial_from(cls, mapping: dict[str, int | None]) -> dict[str, str]:
        return {name: "" if index is None else str(index) for name, index in mapping.items()}
