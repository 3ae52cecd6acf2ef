"""Officer pages of the shared world: cities, organisations and network memberships.

These are reference data every programme uses, so every officer reads and edits them;
delegates get a 404 like any page outside their reach.
"""

import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from officers.forms import MergeForm, add_service_errors
from officers.merge import referenced
from officers.roles import officer_required
from officers.views import OfficerListView, form_page, query_id
from pagecache.pages import cached_page

from . import services
from .filters import CityFilter, NetworkMembershipFilter, OrganisationFilter
from .forms import CityForm, NetworkMembershipForm, OrganisationForm
from .models import City, NetworkMembership, Organisation


class CityListView(OfficerListView):
    filterset_class = CityFilter
    template_name = "partners/city_list.html"

    def get_base_queryset(self):
        return City.objects.annotate(organisation_count=Count("organisations", distinct=True)).order_by("name")


def _city(pk: int) -> City:
    """The city, knowing whether anything refers to it (``referenced``: Delete is offered only if not)."""
    return get_object_or_404(City.objects.annotate(referenced=referenced(City)), pk=pk)


@cached_page
@officer_required
def city_detail(request, pk: int):
    city = _city(pk)
    memberships = city.memberships.select_related("network").order_by("network__name", "since")
    organisations = city.organisations.order_by("name")
    context = {
        "city": city,
        "memberships": memberships,
        "organisations": organisations,
        "deletable": not city.referenced,
    }
    return render(request, "partners/city_detail.html", context)


@officer_required
def city_edit(request, pk: int | None = None):
    city = _city(pk) if pk else None
    form = CityForm(request.POST or None, instance=city)
    if form.is_valid():
        city = form.save()
        messages.success(request, _("City saved."))
        return redirect("partners:city_detail", city.pk)
    title = _("Edit %(name)s") % {"name": city.name} if city else _("New city")
    return form_page(
        request,
        form,
        title=title,
        cancel_url=reverse("partners:city_list"),
        template="partners/form_page.html",
        extra={"time_zones": sorted(zoneinfo.available_timezones())},
    )


class OrganisationListView(OfficerListView):
    filterset_class = OrganisationFilter
    template_name = "partners/organisation_list.html"

    def get_base_queryset(self):
        return Organisation.objects.select_related("city", "parent").order_by("name")


@cached_page
@officer_required
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(
        Organisation.objects.select_related("city", "parent")
        .annotate(referenced=referenced(Organisation))
        .prefetch_related(
            Prefetch("units", queryset=Organisation.objects.order_by("name")),
            Prefetch("memberships", queryset=NetworkMembership.objects.select_related("city")),
        ),
        pk=pk,
    )
    context = {"organisation": organisation, "deletable": not organisation.referenced}
    return render(request, "partners/organisation_detail.html", context)


@officer_required
def organisation_edit(request, pk: int | None = None):
    organisation = get_object_or_404(Organisation, pk=pk) if pk else None
    form = OrganisationForm(request.POST or None, instance=organisation)
    if form.is_valid():
        organisation = form.save()
        messages.success(request, _("Organisation saved."))
        return redirect("partners:organisation_detail", organisation.pk)
    title = _("Edit %(name)s") % {"name": organisation.name} if organisation else _("New organisation")
    return form_page(request, form, title=title, cancel_url=reverse("partners:organisation_list"))


class NetworkMembershipListView(OfficerListView):
    filterset_class = NetworkMembershipFilter
    template_name = "partners/membership_list.html"

    def get_base_queryset(self):
        return NetworkMembership.objects.select_related("city", "network").order_by(
            "city__name", "network__name", "since"
        )


@officer_required
def membership_edit(request, pk: int | None = None):
    membership = get_object_or_404(NetworkMembership, pk=pk) if pk else None
    initial = {}
    if membership is None and (city_id := query_id(request, "city")):
        initial["city"] = city_id
    form = NetworkMembershipForm(request.POST or None, instance=membership, initial=initial)
    if form.is_valid():
        membership = form.save()
        messages.success(request, _("Network membership saved."))
        return redirect("partners:city_detail", membership.city_id)
    title = _("Edit network membership") if membership else _("New network membership")
    return form_page(request, form, title=title, cancel_url=reverse("partners:membership_list"))


def _merge_page(request, obj, *, form, service, kept_url, title, cancel_url):
    if form.is_valid():
        into = form.cleaned_data["into"]
        try:
            service(obj, into=into, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(old)s merged into %(into)s.") % {"old": obj, "into": into})
            return redirect(kept_url(into))
    intro = _(
        "Everything that refers to %(name)s moves to the one you keep, and %(name)s is deleted. "
        "The history of what moved says it was merged."
    ) % {"name": obj}
    return form_page(request, form, title=title, cancel_url=cancel_url, submit=_("Merge"), intro=intro)


def _delete(request, obj, *, service, done_url: str, kept_url: str):
    try:
        service(obj, by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(kept_url)
    messages.success(request, _("%(name)s deleted.") % {"name": obj})
    return redirect(done_url)


@officer_required
def city_merge(request, pk: int):
    city = _city(pk)
    form = MergeForm(request.POST or None, queryset=City.objects.exclude(pk=city.pk).order_by("name", "region"))
    return _merge_page(
        request,
        city,
        form=form,
        service=services.city_merge,
        kept_url=lambda into: into.get_absolute_url(),
        title=_("Merge %(name)s into…") % {"name": city.long_name},
        cancel_url=city.get_absolute_url(),
    )


@officer_required
@require_POST
def city_delete(request, pk: int):
    city = _city(pk)
    return _delete(
        request,
        city,
        service=services.city_delete,
        done_url=reverse("partners:city_list"),
        kept_url=city.get_absolute_url(),
    )


@officer_required
def organisation_merge(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = MergeForm(request.POST or None, queryset=Organisation.objects.exclude(pk=organisation.pk).order_by("name"))
    return _merge_page(
        request,
        organisation,
        form=form,
        service=services.organisation_merge,
        kept_url=lambda into: into.get_absolute_url(),
        title=_("Merge %(name)s into…") % {"name": organisation},
        cancel_url=organisation.get_absolute_url(),
    )


@officer_required
@require_POST
def organisation_delete(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    return _delete(
        request,
        organisation,
        service=services.organisation_delete,
        done_url=reverse("partners:organisation_list"),
        kept_url=organisation.get_absolute_url(),
    )
