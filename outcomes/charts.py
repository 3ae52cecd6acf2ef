"""The programme at a glance: chart data and geometry, drawn as server-rendered SVG.

Each chart is computed here (bars, segments, positions) and drawn by a template in
templates/outcomes/charts/ with SVG presentation attributes (fill=, x=, width=) and classes,
never a style attribute, so the strict Content Security Policy holds without JavaScript.
Every chart also carries its numbers as a table for screen readers.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import Participant
from partners.models import NetworkMembership, Organisation, localized
from visits.models import StudyVisit
from visits.selectors import programmes_for_officer, visits_for_officer

from .models import FollowUp

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#ffc107", "#6c757d", "#0dcaf0"]
STATUS_COLOURS = {
    FollowUp.Status.OPEN: "#0d6efd",
    FollowUp.Status.IN_PROGRESS: "#fd7e14",
    FollowUp.Status.DONE: "#198754",
    FollowUp.Status.DROPPED: "#6c757d",
    NetworkMembership.Status.CONTRIBUTING: "#0dcaf0",
    NetworkMembership.Status.APPLYING: "#fd7e14",
    NetworkMembership.Status.MEMBER: "#198754",
    NetworkMembership.Status.FORMER: "#adb5bd",
}

WIDTH = 640
LABEL_WIDTH = 210
PLOT_WIDTH = WIDTH - LABEL_WIDTH - 50
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TOP = 10


@dataclass
class Segment:
    series: str
    value: int
    x: float
    width: float
    fill: str


@dataclass
class Row:
    label: str
    total: int
    y: float
    segments: list[Segment] = field(default_factory=list)

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 4

    @property
    def end_x(self) -> float:
        return LABEL_WIDTH + sum(segment.width for segment in self.segments) + 6


@dataclass
class LegendEntry:
    label: str
    fill: str


@dataclass
class Chart:
    """A horizontal bar chart: one row per label, stacked segments per series."""

    slug: str
    title: str
    rows: list[Row]
    legend: list[LegendEntry]
    series: list[str]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return TOP * 2 + max(len(self.rows), 1) * ROW_HEIGHT

    @property
    def table(self) -> list[tuple[str, list[int], int]]:
        return [(row.label, [_value_of(row, series) for series in self.series], row.total) for row in self.rows]


def _value_of(row: Row, series: str) -> int:
    return next((segment.value for segment in row.segments if segment.series == series), 0)


def bar_chart(
    slug: str,
    title: str,
    data: dict[str, dict[str, int]],
    *,
    colours: dict[str, str] | None = None,
    totals: dict[str, int] | None = None,
) -> Chart:
    """Rows (in the order given) of stacked segments; ``data`` is ``{row label: {series: value}}``.

    ``totals`` replaces a row's sum where segments overlap (a visit counted under each of its themes).
    """
    series: list[str] = []
    for values in data.values():
        series.extend(name for name in values if name not in series)
    fills = {name: (colours or {}).get(name) or PALETTE[index % len(PALETTE)] for index, name in enumerate(series)}
    largest = max((sum(values.values()) for values in data.values()), default=0) or 1
    rows = []
    for position, (label, values) in enumerate(data.items()):
        total = (totals or {}).get(label, sum(values.values()))
        row = Row(label=label, total=total, y=TOP + position * ROW_HEIGHT)
        x = float(LABEL_WIDTH)
        for name in series:
            value = values.get(name, 0)
            if value:
                width = round(value / largest * PLOT_WIDTH, 1)
                row.segments.append(Segment(series=name, value=value, x=x, width=width, fill=fills[name]))
                x += width
        rows.append(row)
    # A legend only helps when a row has more than one segment.
    stacked = any(len(values) > 1 for values in data.values())
    legend = [LegendEntry(label=name, fill=fills[name]) for name in series] if stacked else []
    return Chart(slug=slug, title=title, rows=rows, legend=legend, series=series)


@dataclass
class Period:
    status: str
    label: str
    since: dt.date
    until: dt.date | None
    x: float
    width: float
    fill: str


@dataclass
class TimelineRow:
    label: str
    y: float
    periods: list[Period]

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 4


@dataclass
class Timeline:
    """Each city's standing in one network, year by year."""

    slug: str
    title: str
    rows: list[TimelineRow]
    ticks: list[tuple[int, float]]
    legend: list[LegendEntry]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return TOP * 2 + max(len(self.rows), 1) * ROW_HEIGHT + 20

    @property
    def axis_y(self) -> int:
        return TOP + max(len(self.rows), 1) * ROW_HEIGHT

    @property
    def tick_label_y(self) -> int:
        return self.axis_y + 16


def network_timeline(network: Organisation, memberships: list[NetworkMembership], *, today: dt.date) -> Timeline:
    first_year = min((m.since.year for m in memberships), default=today.year)
    start, end = dt.date(first_year, 1, 1), dt.date(today.year + 1, 1, 1)
    span = (end - start).days

    def x_of(day: dt.date) -> float:
        return round(LABEL_WIDTH + (min(max(day, start), end) - start).days / span * PLOT_WIDTH, 1)

    by_city: dict[str, list[NetworkMembership]] = defaultdict(list)
    for membership in memberships:
        by_city[membership.city.name].append(membership)
    rows = []
    for position, (city, periods) in enumerate(sorted(by_city.items())):
        drawn = []
        for membership in sorted(periods, key=lambda m: m.since):
            left, right = x_of(membership.since), x_of(membership.until or today)
            drawn.append(
                Period(
                    status=membership.status,
                    label=membership.get_status_display(),
                    since=membership.since,
                    until=membership.until,
                    x=left,
                    width=max(right - left, 2),
                    fill=STATUS_COLOURS[membership.status],
                )
            )
        rows.append(TimelineRow(label=city, y=TOP + position * ROW_HEIGHT, periods=drawn))
    step = max(1, (end.year - start.year) // 8)
    ticks = [(year, x_of(dt.date(year, 1, 1))) for year in range(start.year, end.year, step)]
    legend = [
        LegendEntry(label=str(label), fill=STATUS_COLOURS[value])
        for value, label in NetworkMembership.Status.choices
        if any(period.status == value for row in rows for period in row.periods)
    ]
    return Timeline(
        slug=f"network-{network.pk}",
        title=_("%(network)s: member cities over time") % {"network": network},
        rows=rows,
        ticks=ticks,
        legend=legend,
    )


@dataclass(frozen=True)
class VisitCount:
    """The visits of one programme starting in one year, and their follow-ups by status."""

    year: int
    programme_id: int
    visits: int
    follow_ups: dict[str, int]


def visit_counts_for_officer(user) -> list[VisitCount]:
    """How many of the user's visits start each year in each programme, with their follow-ups by
    status, in one query: the charts narrow them to their scope, the scope form offers their years."""
    statuses = list(FollowUp.Status)
    rows = (
        visits_for_officer(user)
        .values("starts_on__year", "programme")
        .annotate(
            visits=Count("pk", distinct=True),
            **{f"follow_ups_{status}": Count("follow_ups", filter=Q(follow_ups__status=status)) for status in statuses},
        )
        .order_by("-starts_on__year", "programme")
    )
    return [
        VisitCount(
            year=row["starts_on__year"],
            programme_id=row["programme"],
            visits=row["visits"],
            follow_ups={status: row[f"follow_ups_{status}"] for status in statuses},
        )
        for row in rows
    ]


def dashboard_for_officer(
    user,
    *,
    today: dt.date | None = None,
    programme=None,
    year: int | None = None,
    visit_counts: list[VisitCount] | None = None,
) -> dict:
    """Every chart of the dashboard over the visits the user manages, in a fixed number of queries.

    ``programme`` (one of the user's) and ``year`` (of the visits' start) narrow every chart; a
    network's timeline then shows that programme's partner networks and the periods in that year.
    ``visit_counts``: the page's own ``visit_counts_for_officer(user)``, where it has them already.
    """
    today = today or timezone.localdate()
    visits = visits_for_officer(user)
    if programme is not None:
        visits = visits.filter(programme=programme)
    if year is not None:
        visits = visits.filter(starts_on__year=year)
    visit_ids = visits.values("pk")
    if visit_counts is None:
        visit_counts = visit_counts_for_officer(user)
    visit_counts = [
        count
        for count in visit_counts
        if (programme is None or count.programme_id == programme.pk) and (year is None or count.year == year)
    ]

    theme_counts = list(
        StudyVisit.objects.filter(pk__in=visit_ids)
        .values("starts_on__year", "themes", "themes__name", "themes__name_fr")
        .annotate(count=Count("pk", distinct=True))
        .order_by("starts_on__year", "themes")
    )
    per_year: dict[str, dict[str, int]] = defaultdict(dict)
    for row in theme_counts:
        # A theme's name in the page's language (as Theme.__str__), not the English column.
        label = localized(row["themes__name"], row["themes__name_fr"]) if row["themes"] is not None else _("No theme")
        per_year[str(row["starts_on__year"])][label] = row["count"]
    per_year = {
        label: dict(sorted(values.items(), key=lambda item: (item[0] == _("No theme"), item[0].casefold())))
        for label, values in per_year.items()
    }

    visits_per_year: dict[str, int] = defaultdict(int)
    for count in visit_counts:
        visits_per_year[str(count.year)] += count.visits

    # Both groupings of the same participants in one query, each in its chart's order.
    participants = Participant.objects.filter(
        pk__in=Participant.objects.filter(memberships__delegation__visits__in=visit_ids).values("pk")
    )
    groupings = [
        participants.annotate(grouping=Value(grouping), label=F(field))
        .values_list("grouping", "label")
        .annotate(count=Count("pk"))
        .order_by()
        for grouping, field in (("profession", "profession"), ("city", "home_city__name"))
    ]
    by_profession, by_city = {}, {}
    professions = dict(Participant.Profession.choices)
    for grouping, label, count in groupings[0].union(groupings[1], all=True).order_by("grouping", "-count", "label"):
        if grouping == "profession":
            by_profession[str(professions.get(label, label))] = {_("Participants"): count}
        else:
            by_city[label or _("Unknown city")] = {_("Participants"): count}

    statuses = dict(FollowUp.Status.choices)
    counts = {value: sum(count.follow_ups[value] for count in visit_counts) for value in statuses}
    by_status = {str(label): {str(label): counts.get(value, 0)} for value, label in statuses.items()}
    status_colours = {str(label): STATUS_COLOURS[value] for value, label in statuses.items()}

    if programme is not None:
        networks = programme.partner_networks.all()
    elif user.is_superuser:
        networks = Organisation.objects.filter(kind=Organisation.Kind.NETWORK)
    else:
        networks = Organisation.objects.filter(
            network_programmes__in=programmes_for_officer(user).values("pk")
        ).distinct()
    networks = list(networks.order_by("name"))
    periods = NetworkMembership.objects.filter(network__in=networks)
    if year is not None:
        periods = periods.filter(since__lte=dt.date(year, 12, 31)).filter(
            Q(until__isnull=True) | Q(until__gte=dt.date(year, 1, 1))
        )
    memberships = defaultdict(list)
    for membership in periods.select_related("city"):
        memberships[membership.network_id].append(membership)

    return {
        "programme": programme,
        "year": year,
        "visits_chart": bar_chart(
            "visits-per-year", _("Visits per year and theme"), dict(per_year), totals=visits_per_year
        ),
        "profession_chart": bar_chart("participants-profession", _("Participants by profession"), by_profession),
        "city_chart": bar_chart("participants-city", _("Participants by home city"), by_city),
        "follow_up_chart": bar_chart("follow-ups-status", _("Follow-ups by status"), by_status, colours=status_colours),
        "network_timelines": [network_timeline(network, memberships[network.pk], today=today) for network in networks],
    }
