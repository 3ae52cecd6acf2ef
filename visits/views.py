"""Officer pages of programmes, visits and their itineraries, themes and follow-ups.

Every object is fetched through a selector, so what lies outside the officer's
programmes answers 404; each write goes through one service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cityexchange.history import history_entries
from cityexchange.roles import is_officer, officer_required
from cityexchange.views import OfficerListView, query_id, styled_filterset

from . import services
from .filters import FollowUpFilter, ProgrammeFilter, ThemeFilter, VisitFilter
from .forms import (
    FollowUpForm,
    FollowUpStatusForm,
    ItineraryItemForm,
    ProgrammeForm,
    ThemeForm,
    VisitCloneForm,
    VisitForm,
    VisitStopForm,
)
from .models import FollowUp, ItineraryItem, StudyVisit, VisitStop
from .pagecache import CSRF_PLACEHOLDER, cached_fragment, fragment_key, with_csrf
from .selectors import (
    current_visits_for_officer,
    follow_ups_for_officer,
    itinerary_days,
    itinerary_for_visit,
    open_follow_ups_for_officer,
    programmes_for_officer,
    recent_changes_for_officer,
    themes_for_officer,
    visits_for_delegate,
    visits_for_officer,
    with_itinerary_stamps,
)

OPEN_STATUSES = [FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS]
# What the editor's forms offer to choose from (see selectors.with_itinerary_stamps).
CHOICES = ("city", "organisation", "theme")


def _form_page(request, form, *, title: str, cancel_url: str, submit: str | None = None, intro: str = "", history=None):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "submit": submit or _("Save"), "intro": intro}
    return render(
        request,
        "includes/form_page.html",
        {**context, "history": history},
        status=400 if form.is_bound and form.errors else 200,
    )


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's validation errors on the form, on the fields it has."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Dashboard ------------------------------------------------------------------------------------


@login_required
def home(request):
    """The officer's dashboard; a delegate goes to their own visits."""
    if not is_officer(request.user):
        return redirect("my:visit_list")
    today = timezone.localdate()
    current = list(current_visits_for_officer(request.user, today=today)[:20])
    overdue, open_follow_ups = open_follow_ups_for_officer(request.user, today=today)
    context = {
        "today": today,
        "ongoing": [visit for visit in current if visit.starts_on <= today],
        "upcoming": [visit for visit in current if visit.starts_on > today],
        "overdue": overdue,
        "open_follow_ups": open_follow_ups,
        "changes": recent_changes_for_officer(request.user),
    }
    return render(request, "visits/dashboard.html", context)


# Programmes -----------------------------------------------------------------------------------


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
    form = ProgrammeForm(request.POST or None)
    if form.is_valid():
        programme = services.programme_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Programme created."))
        return redirect("visits:programme_detail", programme.pk)
    return _form_page(request, form, title=_("New programme"), cancel_url=reverse("visits:programme_list"))


@officer_required
def programme_edit(request, pk: int):
    programme = get_object_or_404(programmes_for_officer(request.user), pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if form.is_valid():
        services.programme_update(programme, by=request.user, **form.cleaned_data)
        messages.success(request, _("Programme saved."))
        return redirect("visits:programme_detail", programme.pk)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": programme.name},
        cancel_url=reverse("visits:programme_detail", args=[programme.pk]),
    )


# Visits ---------------------------------------------------------------------------------------


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
    return _form_page(request, form, title=_("New study visit"), cancel_url=reverse("visits:visit_list"))


@officer_required
def visit_edit(request, pk: int):
    visit = get_object_or_404(visits_for_officer(request.user), pk=pk)
    form = VisitForm(request.POST or None, instance=visit, user=request.user)
    if form.is_valid():
        services.visit_update(visit, by=request.user, **form.cleaned_data)
        messages.success(request, _("Visit saved."))
        return redirect(visit)
    return _form_page(
        request, form, title=_("Edit %(title)s") % {"title": visit.title}, cancel_url=visit.get_absolute_url()
    )


def _visit_forms(visit, stops) -> dict:
    first_city = stops[0].city if stops else None
    return {
        "item_form": ItineraryItemForm(
            instance=ItineraryItem(visit=visit), initial={"city": first_city, "day": visit.starts_on}
        ),
        "stop_form": VisitStopForm(instance=VisitStop(visit=visit), prefix="stop"),
    }


def _visit_history(visit) -> list:
    return history_entries(StudyVisit.history.filter(id=visit.pk), ItineraryItem.history.filter(visit_id=visit.pk))


def _visit_fragments(visit, stops) -> dict:
    """The editor's costly parts (the itinerary with its buttons, the two empty forms), rendered for the cache."""
    context = {
        "visit": visit,
        "days": itinerary_days(visit, list(itinerary_for_visit(visit))),
        "csrf_token": CSRF_PLACEHOLDER,
        **_visit_forms(visit, stops),
    }
    fragments = {
        name: render_to_string(f"visits/_visit_{name}.html", context) for name in ("itinerary", "add_item", "stop_form")
    }
    # Every change to the visit or its items moves the version, so its history is cached with them.
    fragments["history"] = render_to_string("includes/history.html", {"history": _visit_history(visit)})
    return fragments


def _visit_page(request, visit, *, item_form=None, editing=None, edit_form=None, stop_form=None, status=200):
    stops = list(visit.stops.select_related("city").order_by("position"))
    follow_up_count = getattr(visit, "follow_up_count", None)
    context = {
        "visit": visit,
        "stops": stops,
        "follow_up_count": visit.follow_ups.count() if follow_up_count is None else follow_up_count,
    }
    edit_id = query_id(request, "edit")
    if hasattr(visit, "follow_up_count") and not (item_form or editing or edit_form or stop_form or edit_id):
        # The plain page: its costly parts come from the cache, under the version of what they show.
        version = [visit.pk, visit.updated_at, visit.items_count, visit.items_latest]
        version += [getattr(visit, f"{name}_{part}") for name in CHOICES for part in ("count", "last")]
        version += [[(stop.pk, stop.city_id, stop.position, stop.arrives_on, stop.departs_on) for stop in stops]]
        version += [get_language()]
        fragments = cached_fragment(fragment_key("visit-editor", *version), lambda: _visit_fragments(visit, stops))
        context["fragments"] = {name: with_csrf(request, html) for name, html in fragments.items()}
        return render(request, "visits/visit_detail.html", context, status=status)
    items = list(itinerary_for_visit(visit))
    if editing is None and edit_id:
        editing = next((item for item in items if item.pk == int(edit_id)), None)
        if editing is not None:
            edit_form = ItineraryItemForm(instance=editing, prefix="edit")
    forms = _visit_forms(visit, stops)
    context.update(
        {
            "history": _visit_history(visit),
            "days": itinerary_days(visit, items),
            "item_form": item_form or forms["item_form"],
            "editing": editing,
            "edit_form": edit_form,
            "stop_form": stop_form or forms["stop_form"],
        }
    )
    return render(request, "visits/visit_detail.html", context, status=status)


@login_required
def visit_detail(request, pk: int):
    """The officer's visit page with its editor; a delegate of the visit is sent to their itinerary."""
    officer_visits = with_itinerary_stamps(visits_for_officer(request.user), editor=True)
    visit = officer_visits.prefetch_related("themes").filter(pk=pk).first()
    if visit is None:
        visit = get_object_or_404(visits_for_delegate(request.user), pk=pk)
        return redirect("my:itinerary", visit.pk)
    return _visit_page(request, visit)


def _officer_visit(request, pk: int) -> StudyVisit:
    return get_object_or_404(visits_for_officer(request.user), pk=pk)


@officer_required
@require_POST
def visit_publish(request, pk: int):
    visit = _officer_visit(request, pk)
    try:
        services.visit_publish(visit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The visit is published: its delegates can see the itinerary."))
    return redirect(visit)


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
            _apply_errors(form, error)
        else:
            messages.success(request, _("A new draft visit was started from this one."))
            return redirect(clone)
    return _form_page(
        request,
        form,
        title=_("Start the next visit from %(title)s") % {"title": visit.title},
        cancel_url=visit.get_absolute_url(),
        submit=_("Clone"),
    )


# Host cities ----------------------------------------------------------------------------------


@officer_required
@require_POST
def stop_create(request, pk: int):
    visit = _officer_visit(request, pk)
    form = VisitStopForm(request.POST, instance=VisitStop(visit=visit), prefix="stop")
    if form.is_valid():
        try:
            services.visit_stop_create(visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
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
        services.visit_stop_update(stop, by=request.user, **form.cleaned_data)
        messages.success(request, _("Host city saved."))
        return redirect(reverse("visits:visit_detail", args=[pk]) + "#host-cities")
    return _form_page(
        request,
        form,
        title=_("Edit host city %(city)s") % {"city": stop.city.name},
        cancel_url=reverse("visits:visit_detail", args=[pk]),
    )


@officer_required
@require_POST
def stop_delete(request, pk: int, stop_pk: int):
    stop = _officer_stop(request, pk, stop_pk)
    services.visit_stop_delete(stop, by=request.user)
    messages.success(request, _("Host city removed."))
    return redirect(reverse("visits:visit_detail", args=[pk]) + "#host-cities")


# Itinerary items ------------------------------------------------------------------------------


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


# Themes ---------------------------------------------------------------------------------------


class ThemeListView(OfficerListView):
    filterset_class = ThemeFilter
    template_name = "visits/theme_list.html"

    def get_base_queryset(self):
        return themes_for_officer(self.request.user).annotate(visit_count=Count("visits")).order_by("name")


@officer_required
def theme_edit(request, pk: int | None = None):
    theme = get_object_or_404(themes_for_officer(request.user), pk=pk) if pk else None
    form = ThemeForm(request.POST or None, instance=theme)
    if form.is_valid():
        services.theme_save(theme, by=request.user, **form.cleaned_data)
        messages.success(request, _("Theme saved."))
        return redirect("visits:theme_list")
    title = _("Edit theme %(name)s") % {"name": theme.name} if theme else _("New theme")
    return _form_page(request, form, title=title, cancel_url=reverse("visits:theme_list"))


# Follow-ups -----------------------------------------------------------------------------------


@officer_required
def follow_up_board(request):
    """Follow-ups in one column per status, filtered like any list."""
    filterset = styled_filterset(
        FollowUpFilter(
            request.GET or None,
            queryset=follow_ups_for_officer(request.user).order_by("due_on", "pk"),
            request=request,
        )
    )
    follow_ups = list(filterset.qs[:400])
    today = timezone.localdate()
    for follow_up in follow_ups:
        follow_up.is_overdue = bool(follow_up.due_on and follow_up.due_on < today and follow_up.status in OPEN_STATUSES)
    columns = [(value, label, [f for f in follow_ups if f.status == value]) for value, label in FollowUp.Status.choices]
    return render(
        request,
        "visits/follow_up_board.html",
        {"filter": filterset, "columns": columns, "statuses": FollowUp.Status.choices},
    )


@officer_required
def follow_up_edit(request, pk: int | None = None):
    follow_up = get_object_or_404(follow_ups_for_officer(request.user), pk=pk) if pk else None
    initial = {}
    if follow_up is None and (visit_id := query_id(request, "visit")):
        initial["visit"] = visit_id
    form = FollowUpForm(request.POST or None, instance=follow_up, user=request.user, initial=initial)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if follow_up:
            services.follow_up_update(follow_up, by=request.user, **data)
        else:
            services.follow_up_create(data.pop("visit"), by=request.user, **data)
        messages.success(request, _("Follow-up saved."))
        return redirect("visits:follow_up_board")
    title = _("Edit follow-up") if follow_up else _("New follow-up")
    history = history_entries(FollowUp.history.filter(id=follow_up.pk)) if follow_up else None
    return _form_page(request, form, title=title, cancel_url=reverse("visits:follow_up_board"), history=history)


@officer_required
@require_POST
def follow_up_status(request, pk: int):
    follow_up = get_object_or_404(follow_ups_for_officer(request.user), pk=pk)
    form = FollowUpStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status from the list."))
        return redirect("visits:follow_up_board")
    services.follow_up_set_status(follow_up, by=request.user, status=form.cleaned_data["status"])
    messages.success(
        request,
        _("“%(title)s” moved to %(status)s.") % {"title": follow_up.title, "status": follow_up.get_status_display()},
    )
    return redirect("visits:follow_up_board")
