"""The visit report: what a visit achieved, as a page and as a PDF.

The shape follows a report such as shared/reference/city-pair-article.txt: summary,
delegation, hosts, itinerary, one section per theme with its meetings and lessons, then
the follow-ups and where they stand.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import F, Prefetch, QuerySet, Value
from django.utils import timezone

from delegations.models import DelegationMember
from partners.models import City, Organisation
from visits.models import ItineraryItem, StudyVisit, Theme
from visits.pdf import pdf_from_template

from .models import FollowUp, ItemNote, Lesson


@dataclass
class ThemeSection:
    theme: Theme
    items: list[ItineraryItem] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)


@dataclass
class VisitReport:
    visit: StudyVisit
    stop_cities: list[City]
    home_cities: list[City]
    themes: list[Theme]
    supporters: list[Organisation]
    partner_networks: list[Organisation]
    members: list[DelegationMember]
    hosts: list[Organisation]
    days: list[tuple[dt.date, list[ItineraryItem]]]
    sections: list[ThemeSection]
    follow_ups: list[FollowUp]
    today: dt.date

    @property
    def overdue_follow_ups(self) -> list[FollowUp]:
        return [follow_up for follow_up in self.follow_ups if follow_up.is_overdue_on(self.today)]


def report_visits(visits: QuerySet[StudyVisit]) -> QuerySet[StudyVisit]:
    """``visits`` with what the report shows of the visit itself: fetch the report's visit through
    this, and the access check and the visit are one query."""
    return visits.select_related("programme__organiser", "delegation__head")


def visit_report(visit: StudyVisit, *, today: dt.date | None = None) -> VisitReport:
    """Gather everything the report shows, in a fixed number of queries (the fewest for a visit
    fetched through ``report_visits``)."""
    programme = visit.programme
    # The programme's supporters and partner networks in one query, each row saying its list.
    listed = (
        programme.supporters.annotate(listed_as=Value("supporter"))
        .order_by()
        .union(programme.partner_networks.annotate(listed_as=Value("network")).order_by(), all=True)
        .order_by("name")
    )
    listed = list(listed)
    # The cities it travels to (by stop) and those the delegation comes from in one query.
    cities = [
        City.objects.filter(visit_stops__visit=visit.pk)
        .annotate(listed_as=Value("stop"), position=F("visit_stops__position"))
        .order_by()
    ]
    if visit.delegation_id:
        cities.append(
            City.objects.filter(delegations=visit.delegation_id)
            .annotate(listed_as=Value("home"), position=Value(0))
            .order_by()
        )
    cities = list(cities[0].union(*cities[1:], all=True).order_by("position", "name"))
    # The themes of the visit, of its items and of its follow-ups in one query, each row saying whose.
    tagged = [
        Theme.objects.filter(**{f"{relation}__{to_visit}": visit.pk})
        .annotate(tags=Value(relation), tagged_id=F(relation))
        .order_by()
        for relation, to_visit in (("visits", "pk"), ("itinerary_items", "visit"), ("follow_ups", "visit"))
    ]
    tagged = list(tagged[0].union(*tagged[1:], all=True).order_by("name"))
    theme_ids_of = defaultdict(set)
    for theme in tagged:
        theme_ids_of[theme.tags, theme.tagged_id].add(theme.pk)
    members = []
    if visit.delegation_id:
        members = list(
            visit.delegation.members.visible_to_delegates()
            .select_related("participant__organisation", "participant__home_city")
            .order_by("participant__last_name", "participant__first_name")
        )
    items = list(
        visit.itinerary_items.exclude(status=ItineraryItem.Status.CANCELLED)
        .select_related("city")
        .prefetch_related(
            # The report names each host's city: fetched with the hosts, not one query per host.
            Prefetch("host_organisations", queryset=Organisation.objects.select_related("city")),
            Prefetch("notes", queryset=ItemNote.objects.select_related("author").order_by("created_at", "pk")),
        )
        .order_by("starts_at", "ends_at", "pk")
    )
    lessons = list(visit.lessons.select_related("theme", "item", "author").order_by("theme__name", "created_at", "pk"))
    follow_ups = list(
        visit.follow_ups.select_related(
            "owner_participant", "owner_organisation", "owner_city", "resulting_membership__network"
        ).order_by("due_on", "pk")
    )

    hosts: dict[int, Organisation] = {}
    for item in items:
        for organisation in item.host_organisations.all():
            hosts.setdefault(organisation.pk, organisation)

    sections = []
    visit_themes = [theme for theme in tagged if theme.tags == "visits"]
    for theme in visit_themes:
        sections.append(
            ThemeSection(
                theme=theme,
                items=[item for item in items if theme.pk in theme_ids_of["itinerary_items", item.pk]],
                lessons=[lesson for lesson in lessons if lesson.theme_id == theme.pk],
                follow_ups=[
                    follow_up for follow_up in follow_ups if theme.pk in theme_ids_of["follow_ups", follow_up.pk]
                ],
            )
        )
    theme_ids = {theme.pk for theme in visit_themes}
    # A lesson tagged with a theme the visit does not list still belongs in the report.
    extra_themes = {lesson.theme.pk: lesson.theme for lesson in lessons if lesson.theme_id not in theme_ids}
    for theme in sorted(extra_themes.values(), key=lambda theme: theme.name):
        sections.append(ThemeSection(theme=theme, lessons=[lesson for lesson in lessons if lesson.theme == theme]))

    days = [(day, list(day_items)) for day, day_items in groupby(items, key=lambda item: item.local_start.date())]
    return VisitReport(
        visit=visit,
        stop_cities=[city for city in cities if city.listed_as == "stop"],
        home_cities=[city for city in cities if city.listed_as == "home"],
        themes=visit_themes,
        supporters=[organisation for organisation in listed if organisation.listed_as == "supporter"],
        partner_networks=[organisation for organisation in listed if organisation.listed_as == "network"],
        members=members,
        hosts=sorted(hosts.values(), key=lambda organisation: organisation.name),
        days=days,
        sections=sections,
        follow_ups=follow_ups,
        today=today or timezone.localdate(),
    )


def visit_report_pdf(report: VisitReport) -> bytes:
    """Render the report as a PDF (``visits.pdf``: WeasyPrint reading our static files from disk)."""
    return pdf_from_template("outcomes/report/report_pdf.html", {"report": report, "visit": report.visit})
