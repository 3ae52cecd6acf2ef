"""The week planner of a visit's itinerary: day columns per city, drag to move, bulk actions.

Every write goes through the itinerary services. The page answers moves made by dragging
(JSON, from ``static/js/planner.js``) and the same move posted as a plain form, so a
keyboard or a browser without JavaScript does everything a mouse does.
"""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from officers.roles import officer_confirmed, officer_required
from pagecache.pages import cached_page

from .. import services
from ..forms import ItineraryItemForm, PlannerBulkForm, PlannerMoveForm
from ..models import ItineraryItem
from ..planner import entry_label, planner_calendars, planner_entries
from ..selectors import itinerary_for_visit, legs_for_visit
from .visits import _officer_visit


def _itinerary(visit):
    stops = list(visit.stops.select_related("city").order_by("position"))
    # The planner shows no hosts, themes or travellers, and the services reload what they change.
    items = list(itinerary_for_visit(visit, hosts=False, themes=False))
    legs = list(legs_for_visit(visit, travellers=False))
    calendars = planner_calendars(visit, stops, items, legs)
    entries = sorted([*items, *legs], key=lambda entry: (entry.starts_at, entry.ends_at, entry.is_leg, entry.pk))
    return calendars, entries


def _forms(visit, entries, calendars, **given):
    cities = [calendar.city for calendar in calendars]
    return {
        "move_form": given.get("move_form") or PlannerMoveForm(entries=entries, cities=cities),
        "bulk_form": given.get("bulk_form") or PlannerBulkForm(entries=entries),
        "item_form": given.get("item_form") or ItineraryItemForm(instance=ItineraryItem(visit=visit)),
    }


# FullCalendar 6 writes its own stylesheet into a <style> element at run time; CSP lets that one
# element in by the nonce django-csp puts on this page's header only (read by FullCalendar from
# <meta name="csp-nonce">), and that stylesheet's icon font is a data: URI. Every other page keeps
# style-src and font-src 'self' alone; scripts stay 'self' everywhere. A page served from the
# page cache gets a new nonce in place of the one it was rendered with (pagecache.pages).
PLANNER_CSP = {"style-src": [NONCE], "font-src": ["data:"]}


@csp_update(PLANNER_CSP)
def _planner_page(request, visit, *, status=200, **given):
    calendars, entries = _itinerary(visit)
    shown = planner_entries(visit, entries)
    data = {
        "calendars": [calendar.as_json(shown) for calendar in calendars],
        "moveUrl": reverse("visits:planner_move", args=[visit.pk]),
        "failed": _("The change could not be saved: check your connection and try again."),
        "saving": _("Saving…"),
    }
    forms = _forms(visit, entries, calendars, **given)
    bulk = forms["bulk_form"]
    ticked = set(bulk.data.getlist("entries")) if bulk.is_bound else set()
    rows = [(row.entry, row.label, row.key, row.key in ticked, row.url) for row in shown.values()]
    context = {
        "visit": visit,
        "calendars": calendars,
        "entries": rows,
        "planner_data": data,
        "open_add": "item_form" in given,
        **forms,
    }
    return render(request, "visits/planner.html", context, status=status)


@csp_update(PLANNER_CSP)
@cached_page
@login_required
def planner(request, pk: int):
    visit = _officer_visit(request, pk)  # 404 to anyone but the visit's officers
    officer_confirmed(request.user)  # reached through visits_for_officer: the menu's check need not ask
    return _planner_page(request, visit)


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _ambiguous_warnings(form) -> list[str]:
    return [
        _(
            "%(times)s happens twice in %(city)s as the clocks go back; the first occurrence "
            "(still on summer time) was taken. If you meant the second, choose it in the entry's form."
        )
        % {"times": when, "city": city}
        for when, city in form.ambiguous
    ]


@officer_required
@require_POST
def planner_move(request, pk: int):
    """One entry to a new start and end (a drag, a key, or the move form); JSON for the script."""
    visit = _officer_visit(request, pk)
    calendars, entries = _itinerary(visit)
    form = PlannerMoveForm(request.POST, entries=entries, cities=[calendar.city for calendar in calendars])
    error = None
    if form.is_valid():
        entry = form.cleaned_data["entry"]
        update = services.travel_leg_update if entry.is_leg else services.itinerary_item_update
        try:
            entry = update(entry, by=request.user, **form.entry_fields)
        except ValidationError as refused:
            error = _("“%(title)s” was not moved: %(reason)s") % {
                "title": entry.title,
                "reason": " ".join(refused.messages),
            }
    else:
        reasons = [message for messages_ in form.errors.values() for message in messages_]
        error = _("Nothing was moved: %(reason)s") % {"reason": " ".join(reasons)}
    if error:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": error}, status=400)
        messages.error(request, error)
        return _planner_page(request, visit, move_form=form, status=400)
    for warning in _ambiguous_warnings(form):
        messages.warning(request, warning)
    messages.success(request, _("“%(title)s” moved: %(label)s.") % {"title": entry.title, "label": entry_label(entry)})
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return redirect("visits:planner", visit.pk)


@officer_required
@require_POST
def planner_bulk(request, pk: int):
    """Confirm the ticked entries, or shift them (or one row's nudge) by minutes or days; all or nothing."""
    visit = _officer_visit(request, pk)
    calendars, entries = _itinerary(visit)
    form = PlannerBulkForm(request.POST, entries=entries)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": " ".join(_form_messages(form))})
        return _planner_page(request, visit, bulk_form=form, status=400)
    data = form.cleaned_data
    try:
        if data["action"] == "confirm":
            done = services.itinerary_entries_confirm(data["selected"], by=request.user)
            message = ngettext("%(count)s entry confirmed.", "%(count)s entries confirmed.", len(done)) % {
                "count": len(done)
            }
        else:
            done = services.itinerary_entries_shift(
                data["selected"], minutes=data["minutes"] or 0, days=data["days"], by=request.user
            )
            message = ngettext(
                "%(count)s entry moved: %(labels)s.", "%(count)s entries moved: %(labels)s.", len(done)
            ) % {
                "count": len(done),
                "labels": "; ".join(entry_label(entry) for entry in done),
            }
    except ValidationError as refused:
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": " ".join(refused.messages)})
        return _planner_page(request, visit, bulk_form=form, status=400)
    messages.success(request, message)
    return redirect(reverse("visits:planner", args=[visit.pk]) + "#planner-entries")


def _form_messages(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


@officer_required
@require_POST
def planner_item_create(request, pk: int):
    """The add form opened from an empty slot: the item is added and the officer stays on the planner."""
    visit = _officer_visit(request, pk)
    form = ItineraryItemForm(request.POST, instance=ItineraryItem(visit=visit))
    if not form.is_valid():
        messages.error(request, _("The item was not added: please correct the errors below."))
        return _planner_page(request, visit, item_form=form, status=400)
    item = services.itinerary_item_create(visit, by=request.user, **form.item_fields)
    for when in form.ambiguous:
        messages.warning(
            request,
            _(
                "%(times)s happens twice in %(city)s as the clocks go back; the first occurrence "
                "(still on summer time) was taken. If you meant the second, choose it in the item's form."
            )
            % {"times": when, "city": item.city.name},
        )
    messages.success(request, _("“%(title)s” added to the itinerary.") % {"title": item.title})
    return redirect("visits:planner", visit.pk)
