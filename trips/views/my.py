"""The delegate's side: my visits, the itinerary by day, calendar files and the personal feed.

Every object is fetched through a delegate selector, so another delegate's visit, travel
or feed answers 404.
"""

import datetime as dt
import hashlib
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Min, Prefetch, QuerySet, Sum, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from delegations.models import Participant
from delegations.services import InvitationState, invitation_for_token, invitation_state, participant_mail_choices_set
from delegations.services import invitation_accept as invitation_accept_service
from delegations.tokens import unsubscribe_token_read
from officers.forms import add_service_errors
from pagecache.pages import cached_page
from visits.models import ItineraryChange, ItineraryItem, StudyVisit, TravelLeg, VisitStop
from visits.pagecache import cached_fragment, fragment_key
from visits.pdf import pdf_from_template
from visits.selectors import itinerary_for_visit, legs_for_participant, visits_for_delegate

from ..calendar import calendar_for_delegate
from ..forms import AccommodationForm, InvitationPasswordForm, MailChoicesForm, PersonalTravelForm, zone_names
from ..models import Accommodation, CalendarFeedToken, PersonalTravel
from ..offline import offline_copy
from ..selectors import (
    CHANGE_MARK_FOR,
    accommodations_for,
    change_marks_for_look,
    co_delegates_for_visit,
    feed_link_for_token,
    personal_travel_for,
    unless_counted_none,
    visits_for_participant,
    with_delegate_counts,
    with_delegate_stamps,
)
from ..services import (
    accommodation_delete,
    accommodation_save,
    calendar_feed_token_create,
    calendar_feed_token_revoke,
    itinerary_look_record,
    personal_travel_delete,
    personal_travel_save,
)
from ..timeline import AgendaEntry, agenda, change_mark, now_and_next, timeline_days

NEW_FEED_LINK_SESSION_KEY = "my:new_feed_link"


def _participant(user) -> Participant | None:
    return Participant.objects.select_related("home_city").filter(user=user).first()


def _delegate_visit(
    request, pk: int, *, with_stops: bool = False, with_counts: bool = False
) -> tuple[StudyVisit, Participant]:
    participant = _participant(request.user)
    if participant is None:
        raise Http404
    visits = visits_for_delegate(request.user)
    if with_counts:
        visits = with_delegate_counts(visits, participant=participant)
    if with_stops:
        visits = visits.prefetch_related(Prefetch("stops", queryset=VisitStop.objects.select_related("city")))
    return get_object_or_404(visits, pk=pk), participant


@cached_page
@login_required
@require_GET
@offline_copy
def visit_list(request):
    today = timezone.localdate()
    visits = visits_for_delegate(request.user).annotate(
        past=Case(When(ends_on__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    upcoming = [visit for visit in visits.order_by("past", "starts_on") if not visit.past]
    past = [visit for visit in visits.order_by("-starts_on") if visit.past]
    context = {"upcoming": upcoming, "past": past, "offline_visits": upcoming + past}
    return render(request, "trips/my/visit_list.html", context)


def _now() -> dt.datetime:
    """The moment the Now / Next card is about (a function of its own, so a browser test can pin it)."""
    return timezone.now()


def _marks_by_entry(changes) -> dict[tuple[str, int], list]:
    marks: dict[tuple[str, int], list] = {}
    for change in changes:
        marks.setdefault((change.subject, change.item_pk), []).append(change)
    return marks


def _delegate_entries(visit: StudyVisit, participant: Participant) -> tuple:
    """The visit's items, the group legs the person travels on, their own travel and stays (querysets),
    with no query for a kind the visit's counts (``with_delegate_counts`` / stamps) found none of."""
    return (
        unless_counted_none(itinerary_for_visit(visit), visit, "items_count"),
        unless_counted_none(legs_for_participant([visit.pk], participant), visit, "legs_count"),
        unless_counted_none(personal_travel_for(visit, participant), visit, "travel_count"),
        unless_counted_none(accommodations_for(visit, participant), visit, "stays_count"),
    )


def itinerary_body_context(
    visit: StudyVisit, participant: Participant, *, last_seen: dt.datetime | None, changes=()
) -> dict:
    """One timeline by local day (``trips.timeline``): items (marked when changed since
    ``last_seen``, with what they were when ``changes`` recorded it), the group legs the person
    travels on, their own travel and their hotel; the changed entries' anchors and the agenda
    that the Now / Next card reads."""
    home_zone = participant.home_zone
    marks = _marks_by_entry(changes)
    items, legs, travel, stays = _delegate_entries(visit, participant)
    items = list(items)
    for item in items:
        local_offset = item.local_start.utcoffset()
        item.home_differs = bool(home_zone) and item.starts_at.astimezone(home_zone).utcoffset() != local_offset
        # 19:00 CST is 02:00 CET the next morning: the page says so rather than let the hour mislead.
        item.home_day_shift = (
            (item.starts_at.astimezone(home_zone).date() - item.local_start.date()).days if item.home_differs else 0
        )
        item.anchor = f"item-{item.pk}"
        recorded = marks.get((ItineraryChange.Subject.ITEM, item.pk))
        item.change = recorded and change_mark(
            recorded,
            title=item.title,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            zone=item.city.timezone,
            city=item.city.name,
            venue=item.venue,
            address=item.address,
        )
        item.changed = bool(item.change) or (last_seen is not None and item.updated_at > last_seen)
    legs, travel, stays = list(legs), list(travel), list(stays)
    host_cities = {stop.city_id for stop in visit.stops.all()}
    for stay in stays:
        # Said, not refused: a night before the visit or in a stopover city is real life.
        stay.off_visit_city = bool(host_cities) and stay.city_id not in host_cities
        stay.off_visit_dates = stay.check_in > visit.ends_on or stay.check_out < visit.starts_on
    days = timeline_days(items, legs, travel, stays, last_seen=last_seen)
    changed_entries = []
    for day, entries in days:
        for entry in entries:
            if entry.timeline_kind == "leg" and (recorded := marks.get((ItineraryChange.Subject.LEG, entry.record.pk))):
                leg = entry.record
                entry.change = change_mark(
                    recorded,
                    title=leg.title,
                    starts_at=leg.departs_at,
                    ends_at=leg.arrives_at,
                    zone=leg.from_city.timezone,
                    city=leg.from_city.name,
                    venue=leg.from_place,
                )
                entry.changed = True
            if getattr(entry, "changed", False):
                title = (
                    entry.title
                    if entry.timeline_kind == "item"
                    else f"{entry.mode} · {entry.from_name} → {entry.to_name}"
                )
                changed_entries.append({"anchor": entry.anchor, "day": day, "title": title})
    return {
        "visit": visit,
        "participant": participant,
        "home_zone": home_zone.key if home_zone else "",
        "days": days,
        "changed_count": len(changed_entries),
        "changed_entries": changed_entries,
        "agenda": agenda(days),
        "travel": travel,
        "accommodations": stays,
    }


def itinerary_context(visit: StudyVisit, participant: Participant, *, last_seen: dt.datetime | None = None) -> dict:
    """What the itinerary page and its PDF show: items by local day, the person's own travel, co-delegates."""
    return {
        **itinerary_body_context(visit, participant, last_seen=last_seen),
        "last_seen": last_seen,
        "co_delegates": list(co_delegates_for_visit(visit)),
        "generated_at": timezone.now(),
    }


def _changed_since(changes, first_seen: dict, *, last_seen: dt.datetime | None) -> dt.datetime | None:
    """The look before the oldest change shown: each was first seen after the look recorded with
    it (``ItineraryLastSeen.changes_first_seen``), or, if new on this look, after ``last_seen``."""
    looks = [
        dt.datetime.fromisoformat(first_seen[str(change.pk)][1]) if str(change.pk) in first_seen else last_seen
        for change in changes
    ]
    return min((look for look in looks if look), default=last_seen)


def _page_zone(visit: StudyVisit, entry: AgendaEntry | None) -> str:
    """The zone the page's own times read in: the current or next entry's, else the first host city's."""
    if entry is not None:
        return entry.zone
    stops = list(visit.stops.all())
    return stops[0].city.timezone if stops else "UTC"


def _reads_differently_at(entries, first_seen: dict, *, now: dt.datetime, zone: str) -> dt.datetime:
    """The next instant the page reads differently with nothing edited: an entry starts or ends
    (the Now / Next card), comes within the card's 24 hours, a change mark's two days run out, or
    the day turns where the page's times read (the jump to today)."""
    instants = [instant for entry in entries for instant in (entry.starts_at, entry.ends_at)]
    instants += [entry.starts_at - dt.timedelta(hours=24) for entry in entries]
    instants += [dt.datetime.fromisoformat(seen) + CHANGE_MARK_FOR for seen, _before in first_seen.values()]
    local_zone = zoneinfo.ZoneInfo(zone)
    tomorrow = now.astimezone(local_zone).date() + dt.timedelta(days=1)
    instants.append(dt.datetime.combine(tomorrow, dt.time(), tzinfo=local_zone))
    return min(instant for instant in instants if instant > now)


def _day_to_jump_to(visit: StudyVisit, days: list[dt.date], now: dt.datetime, zone: str) -> dt.date | None:
    """Today, or the next day with entries, while the visit spans today in ``zone``."""
    today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    if not visit.starts_on <= today <= visit.ends_on:
        return None
    return next((day for day in days if day >= today), None)


@cached_page
@login_required
@require_GET
@offline_copy
def itinerary(request, pk: int):
    """The delegate's itinerary. Its body (travel, stays, items by day) is cached under the itinerary's version;
    the Now / Next card, the jump to today and the changes banner are worked out on each look."""
    participant = _participant(request.user)
    if participant is None:
        raise Http404
    visits = with_delegate_stamps(visits_for_delegate(request.user), participant=participant).prefetch_related(
        Prefetch("stops", queryset=VisitStop.objects.select_related("city"))
    )
    visit = get_object_or_404(visits, pk=pk)
    latest_change = max((stamp for stamp in (visit.items_latest, visit.legs_latest) if stamp), default=None)
    first_seen = visit.changes_first_seen or {}
    changes = change_marks_for_look(
        visit,
        last_seen=visit.last_seen_at,
        first_seen=first_seen,
        latest_change=latest_change,
        now=timezone.now(),
    )
    last_seen = itinerary_look_record(
        visit,
        participant=participant,
        previous=visit.last_seen_at,
        latest_change=latest_change,
        marked=changes,
        first_seen=first_seen,
    )
    # Marks depend on the last look only while something changed after it.
    unseen = last_seen is not None and latest_change is not None and latest_change > last_seen
    version = [visit.pk, visit.updated_at, visit.items_count, visit.items_latest, visit.legs_count, visit.legs_latest]
    version += [visit.travel_count]
    version += [visit.travel_latest, visit.stays_count, visit.stays_latest, participant.pk, participant.home_city_id]
    version += [get_language(), last_seen if unseen else None, [change.pk for change in changes]]
    computed = {}

    def render_body() -> dict:
        computed.update(itinerary_body_context(visit, participant, last_seen=last_seen, changes=changes))
        html = render_to_string("trips/my/_itinerary_body.html", {**computed, "editable": True})
        return {
            "html": html,
            "changed_count": computed["changed_count"],
            "changed_entries": computed["changed_entries"],
            "agenda": computed["agenda"],
            "days": [day for day, _entries in computed["days"]],
        }

    body = cached_fragment(fragment_key("itinerary", *version), render_body)
    now = _now()
    current, upcoming = now_and_next(body["agenda"], now)
    page_zone = _page_zone(visit, current or upcoming)
    # The card is for travel days: something under way, or starting within a day.
    show_card = current is not None or (upcoming is not None and upcoming.starts_at - now < dt.timedelta(hours=24))
    changed_since = _changed_since(changes, first_seen, last_seen=last_seen)
    participant_zone = participant.home_zone
    context = {
        **computed,
        "visit": visit,
        "participant": participant,
        "home_zone": participant_zone.key if participant_zone else "",
        "body_html": mark_safe(body["html"]),  # noqa: S308 - rendered above by our own template
        "changed_count": body["changed_count"],
        "changed_entries": body["changed_entries"],
        "changed_since": changed_since,
        "now_entry": current if show_card else None,
        "next_entry": upcoming if show_card else None,
        "jump_to_day": _day_to_jump_to(visit, body["days"], now, page_zone),
        "page_zone": page_zone,
        "last_seen": last_seen,
        "co_delegates": list(co_delegates_for_visit(visit)),
        "generated_at": timezone.now(),
    }
    response = render(request, "trips/my/itinerary.html", context)
    # The page cache keeps this answer only until the card, the jump or a mark would read otherwise.
    response.page_cache_until = _reads_differently_at(body["agenda"], first_seen, now=now, zone=page_zone)
    return response


def _ics_response(request, body: bytes, *, filename: str, attachment: bool, language: str) -> HttpResponse:
    """A calendar file; to HEAD, the same headers and no body."""
    response = HttpResponse(b"" if request.method == "HEAD" else body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Content-Language"] = language
    if request.method == "HEAD":
        response["Content-Length"] = str(len(body))
    return response


@cached_page
@login_required
@require_safe
def visit_ics(request, pk: int):
    visit, participant = _delegate_visit(request, pk, with_counts=True)
    items, legs, travel, stays = _delegate_entries(visit, participant)
    calendar = calendar_for_delegate(items, name=visit.title, legs=legs, travel=travel, accommodations=stays)
    return _ics_response(
        request,
        calendar.to_ical(),
        filename=f"{slugify(visit.title)[:60]}.ics",
        attachment=True,
        language=get_language(),
    )


# Calendar apps poll feeds all day: the stamps' SQL is compiled once per process (for a stand-in
# participant id and time, swapped for the real ones), so a 304 costs two short queries and no ORM work.
_FEED_STAMPS_STAND_IN = -8_000_000_008
_FEED_NOW_STAND_IN = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_feed_stamps_sql: tuple[str, tuple] | None = None


def _feed_stamps_query(participant, *, now: dt.datetime) -> QuerySet:
    """Count, latest ``updated_at`` and sum of ids of the feed's visits, items, travel and stays, in one query.

    A cancelled item or leg leaves the feed once it has ended (``visits.calendar.in_calendar``)
    without its row changing, so the cancelled ones that have ended are counted too, with the
    latest such end as their time: the ETag and Last-Modified move when one drops out. The
    cancelled ones still to end come with the earliest such end (``_FEED_UPCOMING_PARTS``): the
    page cache keeps the feed until then.
    """
    visits = visits_for_participant(participant)

    def part(rows, name: str, latest: str = "updated_at", aggregate=Max):
        stamp = {"latest": aggregate(latest), "count": Count("pk"), "ids": Sum("pk")}
        return rows.order_by().annotate(part=Value(name)).values("part").annotate(**stamp).values_list("part", *stamp)

    own = {"visit__in": visits, "participant": participant}
    cancelled = {"visit__in": visits, "status": ItineraryItem.Status.CANCELLED}
    return part(StudyVisit.objects.filter(pk__in=visits.values("pk")), "visits").union(
        part(ItineraryItem.objects.filter(visit__in=visits), "items"),
        # All the visits' legs, whoever travels: a sub-group's change re-renders the feed, which costs little.
        part(TravelLeg.objects.filter(visit__in=visits), "legs"),
        part(ItineraryItem.objects.filter(**cancelled, ends_at__lte=now), "items ended", latest="ends_at"),
        part(TravelLeg.objects.filter(**cancelled, arrives_at__lte=now), "legs ended", latest="arrives_at"),
        part(ItineraryItem.objects.filter(**cancelled, ends_at__gt=now), "items ending", "ends_at", Min),
        part(TravelLeg.objects.filter(**cancelled, arrives_at__gt=now), "legs ending", "arrives_at", Min),
        part(PersonalTravel.objects.filter(**own), "travel"),
        part(Accommodation.objects.filter(**own), "stays"),
        all=True,
    )


# Their time is a future end, not a change: it is not a Last-Modified.
_FEED_UPCOMING_PARTS = {"items ending", "legs ending"}


def _feed_stamps(participant: Participant) -> list[tuple]:
    global _feed_stamps_sql
    now = timezone.now()
    if connection.vendor != "postgresql":
        return sorted(_feed_stamps_query(participant, now=now))
    if _feed_stamps_sql is None:
        stand_in = Participant(pk=_FEED_STAMPS_STAND_IN)
        _feed_stamps_sql = _feed_stamps_query(stand_in, now=_FEED_NOW_STAND_IN).query.sql_with_params()
    sql, params = _feed_stamps_sql
    swap = {_FEED_STAMPS_STAND_IN: participant.pk, _FEED_NOW_STAND_IN: now}
    with connection.cursor() as cursor:
        cursor.execute(sql, [swap.get(param, param) for param in params])
        return sorted(cursor.fetchall())


def _feed_validators(participant: Participant, stamps: list[tuple]) -> tuple[str, dt.datetime | None]:
    """An ETag and a Last-Modified time from the cheap aggregates of ``_feed_stamps``: nothing is rendered."""
    parts = [participant.pk, participant.updated_at, participant.preferred_language, stamps]
    etag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    known = [latest for part, latest, _count, _ids in stamps if latest is not None and part not in _FEED_UPCOMING_PARTS]
    return f'"{etag}"', max(known) if known else None


def _feed_reads_differently_at(stamps: list[tuple]) -> dt.datetime | None:
    """When the next cancelled item or leg ends and so leaves the feed with no row changing, if any
    (from ``_feed_stamps``): the page cache keeps the feed's answer until then."""
    ends = [latest for part, latest, _count, _ids in stamps if latest is not None and part in _FEED_UPCOMING_PARTS]
    return min(ends, default=None)


def _feed_language(participant: Participant) -> str:
    return participant.preferred_language or settings.LANGUAGE_CODE


def _feed_body(participant: Participant, stamps: list[tuple]) -> bytes:
    visits = visits_for_participant(participant)
    counts = {part: count for part, _latest, count, _ids in stamps}

    def counted(rows: QuerySet, part: str) -> QuerySet:
        # The stamps (``_feed_stamps``) counted the rows: none, no query.
        return rows if counts.get(part) else rows.none()

    items = (
        ItineraryItem.objects.filter(visit__in=visits)
        .select_related("city")
        .prefetch_related("host_organisations", "themes")
        .order_by("starts_at", "pk")
    )
    travel = PersonalTravel.objects.filter(participant=participant, visit__in=visits)
    stays = Accommodation.objects.filter(participant=participant, visit__in=visits).select_related("city")
    with override(_feed_language(participant)):
        calendar = calendar_for_delegate(
            counted(items, "items"),
            name=_("CityExchange: %(name)s") % {"name": participant.full_name},
            legs=counted(legs_for_participant(visits, participant), "legs"),
            travel=counted(travel, "travel"),
            accommodations=counted(stays, "stays"),
        )
    return calendar.to_ical()


@cached_page
@require_safe
def feed(request, token: str):
    """The personal calendar feed: 304 from its validators alone; its body is cached under its ETag.

    A revoked or replaced link answers 410 Gone, so calendar apps drop the subscription
    instead of retrying it for ever; an unknown one 404.
    """
    link = feed_link_for_token(token)
    if link is None:
        raise Http404
    if link.revoked_at is not None:
        return HttpResponse(
            _("This calendar link was revoked or replaced. Subscribe to your new link from the portal."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    participant = link.participant
    stamps = _feed_stamps(participant)
    etag, last_modified = _feed_validators(participant, stamps)
    last_modified_ts = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified_ts)
    if not_modified is None:
        body = cached_fragment(fragment_key("feed", etag), lambda: {"ics": _feed_body(participant, stamps)})["ics"]
        response = _ics_response(
            request, body, filename="cityexchange.ics", attachment=False, language=_feed_language(participant)
        )
        response.page_cache_until = _feed_reads_differently_at(stamps)
    else:
        response = not_modified
        response["Content-Language"] = _feed_language(participant)
    response["ETag"] = etag
    if last_modified_ts:
        response["Last-Modified"] = http_date(last_modified_ts)
    response["Cache-Control"] = "private, no-cache"
    return response


def _optional_mail_label(switch: str) -> str:
    return Participant._meta.get_field(switch).verbose_name


@csrf_exempt  # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click" with no session or CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def mail_unsubscribe(request, token: str):
    """Turn off one kind of optional mail from a signed link, without signing in.

    GET shows a button (link scanners and previews fetch links and must change nothing);
    POST, from that button or a mail client's one-click unsubscribe, turns it off.
    """
    read = unsubscribe_token_read(token)
    participant = None
    if read and read[1] in set(Participant.OPTIONAL_MAIL.values()):
        participant = Participant.objects.filter(pk=read[0]).exclude(email="").first()
    if participant is None:
        raise Http404
    switch = read[1]
    done = request.method == "POST"
    if done:
        participant_mail_choices_set(participant, by=None, **{switch: False})
    context = {"what": _optional_mail_label(switch), "done": done}
    return render(request, "trips/my/mail_unsubscribe.html", context)


@cached_page
@login_required
def mail_choices(request):
    """The signed-in delegate's choice of optional mail."""
    participant = _participant(request.user)
    if participant is None:
        raise Http404
    form = MailChoicesForm(request.POST or None, instance=Participant.objects.get(pk=participant.pk))
    if request.method == "POST" and form.is_valid():
        participant_mail_choices_set(participant, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your mail choices are saved."))
        return redirect("my:mail")
    return render(request, "trips/my/mail_choices.html", {"form": form})


@cached_page(unless_session=(NEW_FEED_LINK_SESSION_KEY,))
@login_required
def calendar_settings(request):
    participant = _participant(request.user)
    if participant is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            calendar_feed_token_revoke(participant)
            messages.success(request, _("Your calendar link is revoked: calendars subscribed to it stop updating."))
        elif action == "create":
            _feed, token = calendar_feed_token_create(participant, by=request.user)
            request.session[NEW_FEED_LINK_SESSION_KEY] = token
        else:
            messages.error(request, _("Choose whether to create or revoke your calendar link."))
        return redirect("my:calendar")
    token = request.session.pop(NEW_FEED_LINK_SESSION_KEY, None)
    active = CalendarFeedToken.objects.filter(participant=participant, revoked_at__isnull=True).first()
    feed_url = request.build_absolute_uri(reverse("my:feed", args=[token])) if token else ""
    webcal_url = "webcal://" + feed_url.split("://", 1)[1] if feed_url else ""
    return render(
        request,
        "trips/my/calendar.html",
        {"active": active, "feed_url": feed_url, "webcal_url": webcal_url},
    )


@cached_page
@login_required
@require_GET
@offline_copy
def visit_pdf(request, pk: int):
    visit, participant = _delegate_visit(request, pk, with_stops=True)
    context = itinerary_context(visit, participant)
    pdf = pdf_from_template("trips/my/itinerary_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(visit.title)[:60]}.pdf"'
    return response


def own_record_edit(request, *, visit, participant, model, form_class, record_pk, done_url, template_context=None):
    """Create or edit one member's travel leg or hotel, fetched within (visit, participant) so others 404."""
    instance = get_object_or_404(model, pk=record_pk, visit=visit, participant=participant) if record_pk else None
    if instance is None:
        instance = model(visit=visit, participant=participant)
    form_kwargs = {"instance": instance}
    if form_class is PersonalTravelForm:
        stops = list(visit.stops.select_related("city"))
        form_kwargs["host_zones"] = (stops[0].city.timezone, stops[-1].city.timezone) if stops else ("", "")
        form_kwargs["home_zone"] = participant.home_city.timezone if participant.home_city_id else ""
        if request.GET.get("direction") in PersonalTravel.Direction.values:
            form_kwargs["initial"] = {"direction": request.GET["direction"]}
    if request.method == "POST":
        if request.POST.get("delete") and instance.pk:
            delete = personal_travel_delete if model is PersonalTravel else accommodation_delete
            delete(instance, by=request.user)
            messages.success(request, _("Deleted."))
            return redirect(done_url)
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            save = personal_travel_save if model is PersonalTravel else accommodation_save
            try:
                save(form.save(commit=False), by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(done_url)
    else:
        form = form_class(**form_kwargs)
    return render(
        request,
        "trips/my/own_record_form.html",
        {
            "form": form,
            "visit": visit,
            "participant": participant,
            "record": instance,
            "is_travel": model is PersonalTravel,
            "time_zones": zone_names() if model is PersonalTravel else (),
            "done_url": done_url,
            **(template_context or {}),
        },
    )


@cached_page
@login_required
def travel_edit(request, pk: int, travel_pk: int | None = None):
    visit, participant = _delegate_visit(request, pk)
    return own_record_edit(
        request,
        visit=visit,
        participant=participant,
        model=PersonalTravel,
        form_class=PersonalTravelForm,
        record_pk=travel_pk,
        done_url=reverse("my:itinerary", args=[visit.pk]),
    )


@cached_page
@login_required
def stay_edit(request, pk: int, stay_pk: int | None = None):
    visit, participant = _delegate_visit(request, pk)
    return own_record_edit(
        request,
        visit=visit,
        participant=participant,
        model=Accommodation,
        form_class=AccommodationForm,
        record_pk=stay_pk,
        done_url=reverse("my:itinerary", args=[visit.pk]),
    )


@require_GET
def service_worker(request):
    """The service worker, served from the site root so that it may control every page."""
    path = finders.find("js/sw.js")
    with open(path, encoding="utf-8") as source:
        response = HttpResponse(source.read(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation_accept(request, token: str):
    """The one-time link from an invitation email: choose a password, get signed in."""
    invitation = invitation_for_token(token)
    state = invitation_state(invitation)
    if state != InvitationState.VALID:
        status = 404 if state == InvitationState.UNKNOWN else 410
        return render(request, "trips/my/invitation_invalid.html", {"state": state}, status=status)
    participant = invitation.member.participant
    form = InvitationPasswordForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept_service(invitation, password=form.cleaned_data["password1"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your password is set; sign in with your email address from now on."))
            return redirect("my:visit_list")
    return render(request, "trips/my/invitation_accept.html", {"form": form, "participant": participant})
