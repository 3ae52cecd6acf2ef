"""Officer pages of programmes."""

from allauth.account.forms import ResetPasswordForm
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from officers.forms import add_service_errors
from officers.roles import officer_confirmed, officer_required
from officers.views import OfficerListView, form_page
from pagecache.pages import cached_page

from .. import services
from ..filters import ProgrammeFilter
from ..forms import ProgrammeForm, ProgrammeOfficerForm
from ..selectors import (
    programmes_for_officer,
)


class ProgrammeListView(OfficerListView):
    filterset_class = ProgrammeFilter
    template_name = "visits/programme_list.html"

    def get_base_queryset(self):
        return programmes_for_officer(self.request.user).annotate(visit_count=Count("visits")).order_by("name")


@cached_page
@login_required
def programme_detail(request, pk: int):
    # The selector is the officer gate: anyone else (signed in) gets 404, as from officer_required,
    # and the navigation's officer check need not ask again.
    programme = get_object_or_404(
        programmes_for_officer(request.user).prefetch_related("supporters", "partner_networks", "officers"), pk=pk
    )
    officer_confirmed(request.user)
    return _programme_page(request, programme)


def _programme_page(request, programme, *, officer_form=None, status=200):
    visits = programme.visits.select_related("delegation").order_by("-starts_on")
    context = {
        "programme": programme,
        "visits": visits,
        "officer_form": officer_form or ProgrammeOfficerForm(),
    }
    return render(request, "visits/programme_detail.html", context, status=status)


@officer_required
@require_POST
def programme_officer_add(request, pk: int):
    """Add an officer by email; a new account gets allauth's password-reset email, whose link sets a password."""
    programme = get_object_or_404(
        programmes_for_officer(request.user).prefetch_related("supporters", "partner_networks", "officers"), pk=pk
    )
    form = ProgrammeOfficerForm(request.POST)
    if form.is_valid():
        try:
            officer, needs_password = services.programme_officer_add(
                programme, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if needs_password:
                _password_email_send(request, officer.email)
                messages.success(
                    request, _("%(email)s invited: they choose a password from the email.") % {"email": officer.email}
                )
            else:
                messages.success(request, _("%(email)s added to the team.") % {"email": officer.email})
            return redirect(reverse("visits:programme_detail", args=[pk]) + "#team")
    return _programme_page(request, programme, officer_form=form, status=400)


def _password_email_send(request, email: str) -> None:
    """allauth's own password-reset email: its link (``account_reset_password_from_key``) sets the password."""
    reset = ResetPasswordForm(data={"email": email})
    if reset.is_valid():
        reset.save(request)


@officer_required
@require_POST
def programme_officer_remove(request, pk: int, user_pk: int):
    programme = get_object_or_404(programmes_for_officer(request.user), pk=pk)
    officer = get_object_or_404(programme.officers.all(), pk=user_pk)
    try:
        services.programme_officer_remove(programme, officer=officer, by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(reverse("visits:programme_detail", args=[pk]) + "#team")
    messages.success(request, _("%(email)s removed from the team.") % {"email": officer.email})
    if officer == request.user and not request.user.is_superuser:
        return redirect("visits:programme_list")
    return redirect(reverse("visits:programme_detail", args=[pk]) + "#team")


@officer_required
def programme_create(request):
    form = ProgrammeForm(request.POST or None, user=request.user)
    if form.is_valid():
        programme = services.programme_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Programme created."))
        return redirect("visits:programme_detail", programme.pk)
    return form_page(request, form, title=_("New programme"), cancel_url=reverse("visits:programme_list"))


@officer_required
def programme_edit(request, pk: int):
    programme = get_object_or_404(programmes_for_officer(request.user), pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme, user=request.user)
    if form.is_valid():
        services.programme_update(programme, **form.cleaned_data)
        messages.success(request, _("Programme saved."))
        return redirect("visits:programme_detail", programme.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": programme.name},
        cancel_url=reverse("visits:programme_detail", args=[programme.pk]),
    )
