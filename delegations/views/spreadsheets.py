"""Participant import (upload, column mapping and preview, then confirm) and roster exports.

The uploaded file is parsed once; its rows and the chosen mapping wait in the server-side
session under a random token until the officer confirms, so nothing the browser sends
back between the steps is trusted as data.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..exports import participants_csv, participants_xlsx, roster_csv, roster_xlsx
from ..import_forms import ColumnMappingForm, ParticipantUploadForm
from ..imports import (
    FIELDS,
    ImportFileError,
    ImportRowsError,
    ParsedFile,
    check_rows,
    guess_mapping,
    mapping_errors,
    parse_upload,
    participants_import,
)
from ..models import Delegation
from ..selectors import delegations_for_officer, participants_for_officer

SESSION_PREFIX = "participant-import:"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pending(request, delegation: Delegation, token: str) -> dict:
    pending = request.session.get(SESSION_PREFIX + token)
    if not pending or pending["delegation"] != delegation.pk or pending["user"] != request.user.pk:
        raise Http404(_("This import has expired or was already confirmed; upload the file again."))
    return pending


@login_required
def import_upload(request, pk: int):
    delegation = get_object_or_404(delegations_for_officer(request.user), pk=pk)
    form = ParticipantUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            parsed = parse_upload(form.cleaned_data["file"].read())
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_PREFIX + token] = {
                "delegation": delegation.pk,
                "user": request.user.pk,
                "filename": form.cleaned_data["file"].name[:200],
                "mapping": guess_mapping(parsed.headers),
                **parsed.as_dict(),
            }
            return redirect("spreadsheets:import_preview", pk=delegation.pk, token=token)
    return render(
        request, "delegations/spreadsheets/upload.html", {"delegation": delegation, "form": form, "fields": FIELDS}
    )


def _render_preview(request, delegation, token, pending, *, mapping_form=None, results=None, status=200):
    parsed = ParsedFile(headers=pending["headers"], rows=pending["rows"])
    mapping = {name: pending["mapping"].get(name) for name in (f.name for f in FIELDS)}
    problems = mapping_errors(mapping, parsed.headers)
    if results is None and not problems:
        results = check_rows(parsed, mapping, delegation=delegation, by=request.user)
    mapping_form = mapping_form or ColumnMappingForm(
        headers=parsed.headers, initial=ColumnMappingForm.initial_from(mapping)
    )
    shown = [f for f in FIELDS if mapping.get(f.name) is not None]
    for result in results or []:
        result.cells = [result.values.get(f.name, "") for f in shown]
    error_count = sum(1 for result in results or [] if result.errors)
    context = {
        "delegation": delegation,
        "token": token,
        "filename": pending["filename"],
        "mapping_form": mapping_form,
        "mapping_problems": problems,
        "fields": shown,
        "results": results or [],
        "error_count": error_count,
        "can_confirm": not problems and results is not None and error_count == 0,
    }
    return render(request, "delegations/spreadsheets/preview.html", context, status=status)


@login_required
def import_preview(request, pk: int, token: str):
    delegation = get_object_or_404(delegations_for_officer(request.user), pk=pk)
    pending = _pending(request, delegation, token)
    if request.method == "POST":
        mapping_form = ColumnMappingForm(request.POST, headers=pending["headers"])
        if mapping_form.is_valid():
            pending["mapping"] = mapping_form.cleaned_data
            request.session[SESSION_PREFIX + token] = pending
            return redirect("spreadsheets:import_preview", pk=delegation.pk, token=token)
        return _render_preview(request, delegation, token, pending, mapping_form=mapping_form)
    return _render_preview(request, delegation, token, pending)


@login_required
@require_POST
def import_confirm(request, pk: int, token: str):
    delegation = get_object_or_404(delegations_for_officer(request.user), pk=pk)
    pending = _pending(request, delegation, token)
    parsed = ParsedFile(headers=pending["headers"], rows=pending["rows"])
    mapping = {f.name: pending["mapping"].get(f.name) for f in FIELDS}
    if mapping_errors(mapping, parsed.headers):
        return _render_preview(request, delegation, token, pending, status=400)
    try:
        members = participants_import(parsed, mapping=mapping, delegation=delegation, by=request.user)
    except ImportRowsError as error:
        messages.error(request, _("Nothing was saved: correct the rows below, then upload the file again."))
        return _render_preview(request, delegation, token, pending, results=error.results, status=400)
    del request.session[SESSION_PREFIX + token]
    messages.success(
        request,
        _("%(count)s participants were imported into %(delegation)s.")
        % {"count": len(members), "delegation": delegation.name},
    )
    return redirect("spreadsheets:import_upload", pk=delegation.pk)


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def roster_export(request, pk: int, fmt: str):
    delegation = get_object_or_404(delegations_for_officer(request.user), pk=pk)
    name = f"roster-{slugify(delegation.name)[:60] or delegation.pk}"
    if fmt == "xlsx":
        return _download(roster_xlsx(delegation), filename=f"{name}.xlsx", content_type=XLSX_TYPE)
    return _download(roster_csv(delegation), filename=f"{name}.csv", content_type="text/csv; charset=utf-8")


@login_required
def participants_export(request, fmt: str):
    if not request.user.is_superuser and not request.user.programmes.exists():
        raise Http404
    participants = participants_for_officer(request.user)
    if fmt == "xlsx":
        return _download(participants_xlsx(participants), filename="participants.xlsx", content_type=XLSX_TYPE)
    return _download(
        participants_csv(participants), filename="participants.csv", content_type="text/csv; charset=utf-8"
    )
