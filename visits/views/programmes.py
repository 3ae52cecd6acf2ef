"""Officer pages of programmes."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from officers.roles import officer_required
from officers.views import OfficerListView, form_page

from .. import services
from ..filters import ProgrammeFilter
from ..forms import ProgrammeForm
from ..selectors import (
    programmes_for_officer,
)


class ProgrammeListView(OfficerListView):
    filterset_class = ProgrammeFilter
    template_name = "visits/programme_list.html"

    def get_base_queryset(self):
        return programmes_for_officer(self.request.user).annotate(visit_count=Count("visits")).order_by("name")


@officer_required
def programme_detail(request, pk: int):
    programme = get_object_or_404(
        programmes_for_officer(request.user).prefetch_related("supporters", "partner_networks", "officers"), pk=pk
    )
    visits = programme.visits.select_related("delegation").order_by("-starts_on")
    return render(request, "visits/programme_detail.html", {"programme": programme, "visits": visits})


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
