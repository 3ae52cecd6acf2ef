"""The itinerary editor's actions on the visit page.

Items: add, edit, duplicate, delete. Travel legs: add, edit, cancel, delete.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from officers.roles import officer_required

from .. import services
from ..forms import ItineraryItemForm, TravelLegForm
from ..models import ItineraryItem, TravelLeg
from ..selectors import (
    visits_for_officer,
)
from .visits import _officer_visit, _visit_page


def _item_saved(request, form, item) -> None:
    if form.ambiguous:
        messages.warning(
            request,
            _(
                "%(times)s happens twice in %(city)s as the clocks go back; the first occurrence "
                "(still on summer time) was taken. If you meant the second, choose it in the item's form."
            )
            % {"times": ", ".join(form.ambiguous), "city": item.city.name},
        )


def _item_anchor(visit_pk: int, item_pk: int) -> str:
    return reverse("visits:visit_detail", args=[visit_pk]) + f"#item-{item_pk}"


@officer_required
@require_POST
def item_create(request, pk: int):
    visit = _officer_visit(request, pk)
    form = ItineraryItemForm(request.POST, instance=ItineraryItem(visit=visit))
    if form.is_valid():
        item = services.itinerary_item_create(visit, by=request.user, **form.item_fields)
        _item_saved(request, form, item)
        messages.success(request, _("“%(title)s” added to the itinerary.") % {"title": item.title})
        return redirect(_item_anchor(visit.pk, item.pk))
    messages.error(request, _("The item was not added: please correct the errors below."))
    return _visit_page(request, visit, item_form=form, status=400)


def _officer_item(request, pk: int, item_pk: int) -> ItineraryItem:
    return get_object_or_404(
        ItineraryItem.objects.select_related("city", "visit").filter(visit__in=visits_for_officer(request.user)),
        visit=pk,
        pk=item_pk,
    )


@officer_required
def item_edit(request, pk: int, item_pk: int):
    item = _officer_item(request, pk, item_pk)
    if request.method != "POST":
        return redirect(reverse("visits:visit_detail", args=[pk]) + f"?edit={item.pk}#item-{item.pk}")
    form = ItineraryItemForm(request.POST, instance=item, prefix="edit")
    if form.is_valid():
        services.itinerary_item_update(item, by=request.user, **form.item_fields)
        _item_saved(request, form, item)
        messages.success(request, _("“%(title)s” saved.") % {"title": item.title})
        return redirect(_item_anchor(pk, item.pk))
    messages.error(request, _("The item was not saved: please correct the errors below."))
    original = _officer_item(request, pk, item_pk)
    return _visit_page(request, original.visit, editing=original, edit_form=form, status=400)


@officer_required
@require_POST
def item_duplicate(request, pk: int, item_pk: int):
    item = _officer_item(request, pk, item_pk)
    copy = services.itinerary_item_duplicate(item, by=request.user)
    messages.success(request, _("Item duplicated: change the copy's time below."))
    return redirect(reverse("visits:visit_detail", args=[pk]) + f"?edit={copy.pk}#item-{copy.pk}")


@officer_required
@require_POST
def item_delete(request, pk: int, item_pk: int):
    item = _officer_item(request, pk, item_pk)
    title = item.title
    services.itinerary_item_delete(item, by=request.user)
    messages.success(request, _("“%(title)s” deleted.") % {"title": title})
    return redirect(reverse("visits:visit_detail", args=[pk]) + "#itinerary")


def _leg_saved(request, form) -> None:
    for when, city in form.ambiguous:
        messages.warning(
            request,
            _(
                "%(times)s happens twice in %(city)s as the clocks go back; the first occurrence "
                "(still on summer time) was taken. If you meant the second, choose it in the leg's form."
            )
            % {"times": when, "city": city},
        )


def _leg_anchor(visit_pk: int, leg_pk: int) -> str:
    return reverse("visits:visit_detail", args=[visit_pk]) + f"#leg-{leg_pk}"


def _officer_leg(request, pk: int, leg_pk: int) -> TravelLeg:
    return get_object_or_404(
        TravelLeg.objects.select_related("from_city", "to_city", "visit").filter(
            visit__in=visits_for_officer(request.user)
        ),
        visit=pk,
        pk=leg_pk,
    )


@officer_required
@require_POST
def leg_create(request, pk: int):
    visit = _officer_visit(request, pk)
    form = TravelLegForm(request.POST, instance=TravelLeg(visit=visit), prefix="leg")
    if form.is_valid():
        leg = services.travel_leg_create(visit, by=request.user, **form.leg_fields)
        _leg_saved(request, form)
        messages.success(request, _("“%(title)s” added to the itinerary.") % {"title": leg.title})
        return redirect(_leg_anchor(visit.pk, leg.pk))
    messages.error(request, _("The travel leg was not added: please correct the errors below."))
    return _visit_page(request, visit, leg_form=form, status=400)


@officer_required
def leg_edit(request, pk: int, leg_pk: int):
    leg = _officer_leg(request, pk, leg_pk)
    if request.method != "POST":
        return redirect(reverse("visits:visit_detail", args=[pk]) + f"?edit_leg={leg.pk}#leg-{leg.pk}")
    form = TravelLegForm(request.POST, instance=leg, prefix="edit-leg")
    if form.is_valid():
        leg = services.travel_leg_update(leg, by=request.user, **form.leg_fields)
        _leg_saved(request, form)
        messages.success(request, _("“%(title)s” saved.") % {"title": leg.title})
        return redirect(_leg_anchor(pk, leg.pk))
    messages.error(request, _("The travel leg was not saved: please correct the errors below."))
    original = _officer_leg(request, pk, leg_pk)
    return _visit_page(request, original.visit, editing_leg=original, leg_edit_form=form, status=400)


@officer_required
@require_POST
def leg_cancel(request, pk: int, leg_pk: int):
    leg = services.travel_leg_cancel(_officer_leg(request, pk, leg_pk), by=request.user)
    messages.success(request, _("“%(title)s” cancelled.") % {"title": leg.title})
    return redirect(_leg_anchor(pk, leg.pk))


@officer_required
@require_POST
def leg_delete(request, pk: int, leg_pk: int):
    leg = _officer_leg(request, pk, leg_pk)
    title = leg.title
    services.travel_leg_delete(leg, by=request.user)
    messages.success(request, _("“%(title)s” deleted.") % {"title": title})
    return redirect(reverse("visits:visit_detail", args=[pk]) + "#itinerary")
