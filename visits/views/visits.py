"""Officer pages of study visits: the list, the visit page with its host cities, publishing, cloning.

Every object is fetched through a selector, so what lies outside the officer's
programmes answers 404; each write goes through one service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from officers.forms import add_service_errors
from officers.history import history_entries
from officers.roles import officer_confirmed, officer_required
from officers.views import OfficerListView, form_page, query_id
from pagecache.pages import cached_page
from partners.models import City

from .. import services
from ..filters import VisitFilter
from ..forms import ItineraryItemForm, PublishConfirmForm, TravelLegForm, VisitCloneForm, VisitForm, VisitStopForm
from ..models import ItineraryItem, StudyVisit, TravelLeg, VisitStop
from ..pagecache import CSRF_PLACEHOLDER, cached_fragment, fragment_key, with_csrf
from ..selectors import (
    cities_in_visit_order,
    digest_schedule_for_visit,
    itinerary_days,
    itinerary_for_visit,
    legs_for_visit,
    programmes_for_officer,
    visits_for_delegate,
    visits_for_officer,
    with_itinerary_stamps,
)

# What the editor's forms offer to choose from (see selectors.with_itinerary_stamps).
CHOICES = ("city", "organisation", "theme")


class VisitListView(OfficerListView):
    filterset_class = VisitFilter
    template_name = "visits/visit_list.html"

    def dispatch(self, request, *args, **kwargs):
        # The officer's programmes, fetched once per request: the filter form offers them, and whether
        # there are any is the officer check (``roles.is_officer`` reads ``_is_officer``), so the gate
        # costs no query of its own. Nothing is kept beyond the request, so nothing can go stale.
        self.programmes = None
        if request.user.is_authenticated:
            self.programmes = list(programmes_for_officer(request.user))
            if not request.user.is_superuser:
                request.user._is_officer = bool(self.programmes)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self) -> dict:
        return {"programmes": self.programmes}

    def get_base_queryset(self):
        return (
            visits_for_officer(self.request.user)
            .prefetch_related(Prefetch("stops", queryset=VisitStop.objects.select_related("city")))
            .order_by("-starts_on", "title")
        )


@officer_required
def visit_create(request):
    initial = {}
    if programme_id := query_id(request, "programme"):
        initial["programme"] = programme_id
    form = VisitForm(request.POST or None, user=request.user, initial=initial)
    if form.is_valid():
        visit = services.visit_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Visit created as a draft. Add its host cities and itinerary."))
        return redirect(visit)
    return form_page(request, form, title=_("New study visit"), cancel_url=reverse("visits:visit_list"))


@officer_required
def visit_edit(request, pk: int):
    visit = get_object_or_404(visits_for_officer(request.user), pk=pk)
    form = VisitForm(request.POST or None, instance=visit, user=request.user)
    if form.is_valid():
        services.visit_update(visit, by=request.user, **form.cleaned_data)
        messages.success(request, _("Visit saved."))
        return redirect(visit)
    return form_page(
        request, form, title=_("Edit %(title)s") % {"title": visit.title}, cancel_url=visit.get_absolute_url()
    )


def _editor_cities(stops) -> dict:
    """The cities the editor's forms offer, fetched once: by name for a host city, the visit's first for the rest."""
    cities = list(City.objects.order_by("name", "pk"))
    return {"by_name": cities, "for_visit": cities_in_visit_order(cities, stops)}


def _visit_forms(visit, stops, cities) -> dict:
    first_city = stops[0].city if stops else None
    second_city = stops[1].city if len(stops) > 1 else first_city
    return {
        "item_form": ItineraryItemForm(
            instance=ItineraryItem(visit=visit),
            initial={"city": first_city, "day": visit.starts_on},
            cities=cities["for_visit"],
        ),
        "leg_form": TravelLegForm(
            instance=TravelLeg(visit=visit),
            prefix="leg",
            initial={"from_city": first_city, "to_city": second_city, "departure_day": visit.starts_on},
            cities=cities["for_visit"],
        ),
        "stop_form": VisitStopForm(instance=VisitStop(visit=visit), prefix="stop", cities=cities["by_name"]),
    }


def _item_record_zone(record):
    """The zone of a historical record's times; UTC (labelled so) for a city since merged away or deleted."""
    if isinstance(record, ItineraryItem.history.model):
        return record.city.zone if record.city else None
    if isinstance(record, TravelLeg.history.model):
        return {
            "departs_at": record.from_city.zone if record.from_city else None,
            "arrives_at": record.to_city.zone if record.to_city else None,
        }
    return None


def _visit_history(visit) -> list:
    return history_entries(
        StudyVisit.history.filter(id=visit.pk),
        ItineraryItem.history.filter(visit_id=visit.pk).select_related("city"),
        # A leg's record is named by its cities ("Coach Nashville → Chattanooga").
        TravelLeg.history.filter(visit_id=visit.pk).select_related("from_city", "to_city"),
        zone_of=_item_record_zone,
    )


def _visit_fragments(visit, stops) -> dict:
    """The editor's costly parts (the itinerary with its buttons, the two empty forms), rendered for the cache."""
    context = {
        "visit": visit,
        "days": itinerary_days(
            visit,
            # The itinerary names each item's hosts, not its themes.
            list(itinerary_for_visit(visit, themes=False)),
            list(legs_for_visit(visit)),
            host_city_ids={stop.city_id for stop in stops},
        ),
        "csrf_token": CSRF_PLACEHOLDER,
        **_visit_forms(visit, stops, _editor_cities(stops)),
    }
    fragments = {
        name: render_to_string(f"visits/_visit_{name}.html", context)
        for name in ("itinerary", "add_item", "add_leg", "stop_form")
    }
    # Every change to the visit or its items moves the version, so its history is cached with them.
    fragments["history"] = render_to_string("includes/history.html", {"history": _visit_history(visit)})
    return fragments


def _visit_page(
    request,
    visit,
    *,
    item_form=None,
    editing=None,
    edit_form=None,
    stop_form=None,
    leg_form=None,
    editing_leg=None,
    leg_edit_form=None,
    status=200,
):
    stops = list(visit.stops.select_related("city").order_by("position"))
    follow_up_count = getattr(visit, "follow_up_count", None)
    context = {
        "visit": visit,
        "stops": stops,
        "follow_up_count": visit.follow_ups.count() if follow_up_count is None else follow_up_count,
        "digest": digest_schedule_for_visit(visit) if visit.status == StudyVisit.Status.PUBLISHED else None,
        # trips' record of messages to the delegation, named through its reverse relation (as
        # follow_ups is above): visits imports nothing of trips.
        "delegation_messages": visit.delegation_messages.select_related("by", "city")[:5]
        if getattr(visit, "message_count", 1)
        else [],
    }
    edit_id, edit_leg_id = query_id(request, "edit"), query_id(request, "edit_leg")
    forms_given = item_form or editing or edit_form or stop_form or leg_form or editing_leg or leg_edit_form
    if hasattr(visit, "follow_up_count") and not (forms_given or edit_id or edit_leg_id):
        # The plain page: its costly parts come from the cache, under the version of what they show.
        version = [visit.pk, visit.updated_at, visit.items_count, visit.items_latest, visit.legs_count]
        version += [visit.legs_latest, visit.member_count, visit.member_last]
        version += [getattr(visit, f"{name}_{part}") for name in CHOICES for part in ("count", "last")]
        version += [[(stop.pk, stop.city_id, stop.position, stop.arrives_on, stop.departs_on) for stop in stops]]
        version += [get_language()]
        fragments = cached_fragment(fragment_key("visit-editor", *version), lambda: _visit_fragments(visit, stops))
        context["fragments"] = {name: with_csrf(request, html) for name, html in fragments.items()}
        return render(request, "visits/visit_detail.html", context, status=status)
    # Themes are not shown in the itinerary: only an item's edit form asks for its own.
    items, legs = list(itinerary_for_visit(visit, themes=False)), list(legs_for_visit(visit))
    cities = _editor_cities(stops)
    if editing is None and edit_id:
        editing = next((item for item in items if item.pk == int(edit_id)), None)
        if editing is not None:
            edit_form = ItineraryItemForm(instance=editing, prefix="edit", cities=cities["for_visit"])
    if editing_leg is None and edit_leg_id:
        editing_leg = next((leg for leg in legs if leg.pk == int(edit_leg_id)), None)
        if editing_leg is not None:
            leg_edit_form = TravelLegForm(instance=editing_leg, prefix="edit-leg", cities=cities["for_visit"])
    forms = _visit_forms(visit, stops, cities)
    context.update(
        {
            "history": _visit_history(visit),
            "days": itinerary_days(visit, items, legs, host_city_ids={stop.city_id for stop in stops}),
            "item_form": item_form or forms["item_form"],
            "editing": editing,
            "edit_form": edit_form,
            "leg_form": leg_form or forms["leg_form"],
            "editing_leg": editing_leg,
            "leg_edit_form": leg_edit_form,
            "stop_form": stop_form or forms["stop_form"],
        }
    )
    return render(request, "visits/visit_detail.html", context, status=status)


@cached_page
@login_required
def visit_detail(request, pk: int):
    """The officer's visit page with its editor; a delegate of the visit is sent to their itinerary."""
    officer_visits = with_itinerary_stamps(visits_for_officer(request.user), editor=True)
    visit = officer_visits.prefetch_related("themes").filter(pk=pk).first()
    if visit is None:
        visit = get_object_or_404(visits_for_delegate(request.user), pk=pk)
        return redirect("my:itinerary", visit.pk)
    # Only an officer's selector finds it: the navigation's officer check need not ask again.
    officer_confirmed(request.user)
    return _visit_page(request, visit)


def _officer_visit(request, pk: int) -> StudyVisit:
    return get_object_or_404(visits_for_officer(request.user), pk=pk)


def _publish_preview_page(request, preview, form, *, status=200):
    return render(
        request,
        "visits/publish_preview.html",
        {"visit": preview.visit, "preview": preview, "form": form},
        status=status,
    )


def _publish_preview_or_back(request, visit):
    try:
        return services.visit_publish_preview(visit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None


@officer_required
@require_GET
def visit_publish_preview(request, pk: int):
    """Before anything is sent: who gets which message, in which language, with what attached."""
    visit = _officer_visit(request, pk)
    preview = _publish_preview_or_back(request, visit)
    if preview is None:
        return redirect(visit)
    question = preview.ended_question() if preview.ended else ""
    return _publish_preview_page(request, preview, PublishConfirmForm(ended_question=question))


@officer_required
@require_POST
def visit_publish(request, pk: int):
    """Publish as previewed: the preview's confirmation, with the ended visit's question answered."""
    visit = _officer_visit(request, pk)
    # The question's words (with the number of delegates) are only needed when the page is drawn again.
    ended = services.visit_ended(visit)
    form = PublishConfirmForm(request.POST, ended_question=_("This visit has ended.") if ended else "")
    if form.is_valid():
        try:
            services.visit_publish_as_previewed(visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The visit is published: its delegates can see the itinerary."))
            return redirect(visit)
    preview = _publish_preview_or_back(request, visit)
    if preview is None:
        return redirect(visit)
    if "ended_confirmed" in form.fields:
        form.fields["ended_confirmed"].label = preview.ended_question()
    return _publish_preview_page(request, preview, form, status=400)


@officer_required
@require_POST
def visit_unpublish(request, pk: int):
    visit = _officer_visit(request, pk)
    try:
        services.visit_unpublish(visit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The visit is back to draft: its delegates no longer see it."))
    return redirect(visit)


@officer_required
def visit_clone(request, pk: int):
    visit = _officer_visit(request, pk)
    form = VisitCloneForm(
        request.POST or None,
        initial={"title": _("%(title)s (next)") % {"title": visit.title}, "starts_on": visit.starts_on},
    )
    if form.is_valid():
        try:
            clone = services.visit_clone(visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if clone.cancelled_left_out:
                message = ngettext(
                    "A new draft visit was started from this one. Its cancelled item was left out.",
                    "A new draft visit was started from this one. Its %(count)d cancelled items were left out.",
                    clone.cancelled_left_out,
                ) % {"count": clone.cancelled_left_out}
            else:
                message = _("A new draft visit was started from this one.")
            messages.success(request, message)
            return redirect(clone)
    return form_page(
        request,
        form,
        title=_("Start the next visit from %(title)s") % {"title": visit.title},
        cancel_url=visit.get_absolute_url(),
        submit=_("Clone"),
    )


@officer_required
@require_POST
def stop_create(request, pk: int):
    visit = _officer_visit(request, pk)
    form = VisitStopForm(request.POST, instance=VisitStop(visit=visit), prefix="stop")
    if form.is_valid():
        try:
            services.visit_stop_create(visit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Host city added."))
            return redirect(reverse("visits:visit_detail", args=[visit.pk]) + "#host-cities")
    return _visit_page(request, visit, stop_form=form, status=400)


def _officer_stop(request, pk: int, stop_pk: int) -> VisitStop:
    return get_object_or_404(VisitStop.objects.filter(visit__in=visits_for_officer(request.user)), visit=pk, pk=stop_pk)


@officer_required
def stop_edit(request, pk: int, stop_pk: int):
    stop = _officer_stop(request, pk, stop_pk)
    form = VisitStopForm(request.POST or None, instance=stop)
    if form.is_valid():
        services.visit_stop_update(stop, **form.cleaned_data)
        messages.success(request, _("Host city saved."))
        return redirect(reverse("visits:visit_detail", args=[pk]) + "#host-cities")
    return form_page(
        request,
        form,
        title=_("Edit host city %(city)s") % {"city": stop.city.name},
        cancel_url=reverse("visits:visit_detail", args=[pk]),
    )


@officer_required
@require_POST
def stop_delete(request, pk: int, stop_pk: int):
    stop = _officer_stop(request, pk, stop_pk)
    services.visit_stop_delete(stop)
    messages.success(request, _("Host city removed."))
    return redirect(reverse("visits:visit_detail", args=[pk]) + "#host-cities")
