"""The itinerary editor's item actions on the visit page: add, edit, duplicate, delete."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from officers.roles import officer_required

from .. import services
from ..forms import ItineraryItemForm
from ..models import ItineraryItem
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
                "(still on summer time) was taken."
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
