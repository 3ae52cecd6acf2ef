import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory
from outcomes.charts import PLOT_WIDTH, bar_chart, dashboard_for_officer
from outcomes.tests.factories import FollowUpFactory
from partners.tests.factories import NetworkMembershipFactory
from visits.tests.factories import StudyVisitFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _as(client, email):
    client.force_login(get_user_model().objects.get(email=email))
    return client


def test_bar_chart_scales_the_longest_row_to_the_plot_width():
    chart = bar_chart("c", "Chart", {"2018": {"A": 1}, "2019": {"A": 2, "B": 2}})

    assert [row.total for row in chart.rows] == [1, 4]
    assert [segment.width for segment in chart.rows[1].segments] == [PLOT_WIDTH / 2, PLOT_WIDTH / 2]
    assert chart.table == [("2018", [1, 0], 1), ("2019", [2, 2], 4)]
    assert [entry.label for entry in chart.legend] == ["A", "B"]


def test_dashboard_counts_visits_per_year_and_theme_for_the_demo_officer(demo):
    officer = get_user_model().objects.get(email="officer@example.org")

    charts = dashboard_for_officer(officer, today=dt.date(2026, 1, 1))

    visits = charts["visits_chart"]
    assert [(row.label, row.total) for row in visits.rows][:2] == [("2018", 1), ("2019", 1)]
    assert dict((label, total) for label, _, total in charts["follow_up_chart"].table) == {
        "Open": 1,
        "In progress": 1,
        "Done": 1,
        "Dropped": 0,
    }
    scn = next(t for t in charts["network_timelines"] if "Strong Cities" in t.title)
    liege = next(row for row in scn.rows if row.label == "Liège")
    assert [(p.status, p.since, p.until) for p in liege.periods] == [
        ("contributing", dt.date(2016, 1, 1), dt.date(2019, 11, 14)),
        ("applying", dt.date(2019, 11, 15), None),
    ]


def test_dashboard_page_draws_svg_without_style_attributes(client, demo):
    response = _as(client, "officer@example.org").get(reverse("outcomes:charts"))

    page = response.content.decode()
    assert response.status_code == 200
    for chart in ("visits-per-year", "participants-profession", "participants-city", "follow-ups-status"):
        assert f'<svg class="chart" id="{chart}"' in page
    assert "style=" not in page
    assert "<script>" not in page
    assert re.search(r"<td>Liège</td>|<th scope=\"row\">Liège</th>", page)


def test_dashboard_only_counts_the_officers_programmes(demo):
    other = get_user_model().objects.get(email="officer2@example.org")

    charts = dashboard_for_officer(other)

    assert [row.label for row in charts["visits_chart"].rows] == ["2026"]
    assert [t.title for t in charts["network_timelines"]] == [
        "European Forum for Urban Security (Efus): member cities over time"
    ]


def test_dashboard_is_refused_to_delegates(client, demo):
    assert _as(client, "delegate@example.org").get(reverse("outcomes:charts")).status_code == 404


@pytest.mark.parametrize("size", [1, 5])
def test_dashboard_query_count_does_not_grow(admin_client, django_assert_num_queries, size):
    for year in range(size):
        visit = StudyVisitFactory(starts_on=dt.date(2015 + year, 1, 1), ends_on=dt.date(2015 + year, 1, 2))
        visit.themes.set([ThemeFactory()])
        DelegationMemberFactory(delegation=visit.delegation)
        FollowUpFactory(visit=visit)
        NetworkMembershipFactory()

    # The user, the programmes (the officer check and the scope's choices), visits and follow-ups per
    # year and programme (the chart, and the scope's years), themes per year, participants by
    # profession and by city, the networks and their members.
    with django_assert_num_queries(7):
        response = admin_client.get(reverse("outcomes:charts"))

    assert response.status_code == 200


def test_charts_scoped_to_a_programme_and_a_year(client, demo):
    from visits.models import Programme

    city_pair = Programme.objects.get(visits__title="Belgian delegation in Nashville, Chattanooga and Washington DC")
    officer = get_user_model().objects.get(email="officer@example.org")

    charts = dashboard_for_officer(officer, today=dt.date(2026, 1, 1), programme=city_pair, year=2019)

    assert [(row.label, row.total) for row in charts["visits_chart"].rows] == [("2019", 1)]
    assert [t.title for t in charts["network_timelines"]] == [
        f"{network}: member cities over time" for network in city_pair.partner_networks.order_by("name")
    ]
    for timeline in charts["network_timelines"]:
        for row in timeline.rows:
            for period in row.periods:
                assert period.since <= dt.date(2019, 12, 31)
                assert period.until is None or period.until >= dt.date(2019, 1, 1)


def test_charts_page_keeps_its_scope_in_the_url_and_offers_the_officers_years(client, demo):
    from visits.models import Programme

    city_pair = Programme.objects.get(visits__title="Belgian delegation in Nashville, Chattanooga and Washington DC")

    response = _as(client, "officer@example.org").get(
        reverse("outcomes:charts"), {"programme": city_pair.pk, "year": 2019}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{city_pair.pk}" selected>' in page
    assert '<option value="2019" selected>2019</option>' in page
    assert [row.label for row in response.context["visits_chart"].rows] == ["2019"]


def test_charts_refuse_a_year_nobody_visited_in_words(client, demo):
    response = _as(client, "officer@example.org").get(reverse("outcomes:charts"), {"year": "1850"})

    assert response.status_code == 200
    assert "Select a valid choice. 1850 is not one of the available choices." in response.content.decode()
    assert response.context["year"] is None


def test_charts_name_themes_in_french_on_french_pages(client, demo):
    from visits.models import Theme

    theme = Theme.objects.exclude(name_fr="").filter(visits__isnull=False).first()

    page = _as(client, "officer@example.org").get("/fr" + reverse("outcomes:charts")).content.decode()

    assert f"{theme.name_fr}" in page
    assert f"· {theme.name}:" not in page
