"""The officer's workflows of issue 14 that no other browser test shows, from a laptop window (1280×800)
in Debian's Chromium: the programme's team (with allauth's invitation email followed to a first
sign-in), merging and deleting directory records, the join request to someone in another programme,
and duplicates refused in words. Each test checks the database after the browser, that no page is
wider than the window and that no page logs a console error."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from delegations.models import DelegationMember, Participant
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from partners.models import City, Organisation
from partners.tests.factories import CityFactory, OrganisationFactory
from visits.models import ItineraryItem, Programme
from visits.tests.factories import ItineraryItemFactory, ProgrammeFactory, StudyVisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-output"
PASSWORD = "correct horse battery staple"
LAPTOP = {"width": 1280, "height": 800}
RAW_DATABASE_TEXT = ("violates", "Constraint", "IntegrityError", "duplicate key")


@pytest.fixture
def browser_context(live_server, chromium):
    SCREENSHOTS.mkdir(exist_ok=True)
    contexts = []

    def new_page():
        context = chromium.new_context(base_url=live_server.url, viewport=LAPTOP)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on(
            "console",
            lambda message: page.errors.append((page.url, message.text)) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: page.errors.append((page.url, str(error))))
        return page

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(
        username="officer@example.org", email="officer@example.org", password=PASSWORD
    )
    user.programme = ProgrammeFactory(name="City Pair")
    user.programme.officers.add(user)
    return user


def _sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def _laptop_clean(page) -> None:
    """No sideways scrolling at 1280 px, no raw database text, no console error on the page shown."""
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, (page.url, width, window)
    text = page.locator("body").inner_text()
    for raw in RAW_DATABASE_TEXT:
        assert raw not in text, (page.url, raw)
    # A refused form answers 400 by design (officers.views.form_page), which Chromium logs too.
    assert [error for error in page.errors if "status of 400" not in error[1]] == []


def _team(page):
    return page.locator("#team + ul")


def test_programme_team_add_invite_remove_and_the_last_officer(browser_context, officer, django_user_model):
    colleague = django_user_model.objects.create_user(
        username="colleague@example.org", email="colleague@example.org", password=PASSWORD
    )
    programme = officer.programme
    page = browser_context()
    _sign_in(page, "officer@example.org")
    page.goto(f"/programmes/{programme.pk}/")

    # An existing account, typed in another case.
    page.get_by_label("Email").fill("Colleague@Example.org")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("colleague@example.org added to the team.")).to_be_visible()
    expect(_team(page)).to_contain_text("colleague@example.org")
    assert sorted(programme.officers.values_list("email", flat=True)) == [
        "colleague@example.org",
        "officer@example.org",
    ]
    _laptop_clean(page)

    # Someone without an account: allauth's own password-reset email is their invitation.
    mail.outbox.clear()
    page.get_by_label("Email").fill("new-officer@example.org")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("new-officer@example.org invited: they choose a password from the email.")).to_be_visible()
    expect(_team(page).locator("li", has_text="new-officer@example.org")).to_contain_text("invited, no password yet")
    page.screenshot(path=SCREENSHOTS / "programme-team.png", full_page=True)
    _laptop_clean(page)
    new_officer = django_user_model.objects.get(email="new-officer@example.org")
    assert not new_officer.has_usable_password()
    assert [message.to for message in mail.outbox] == [["new-officer@example.org"]]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)

    # The new officer, in their own browser, follows the link, chooses a password and signs in.
    invited = browser_context()
    invited.goto(urlsplit(link).path)
    invited.fill("input[name=password1]", "Lantern-Quarry-41")
    invited.fill("input[name=password2]", "Lantern-Quarry-41")
    _laptop_clean(invited)
    invited.get_by_role("button", name="Change Password").click()
    expect(invited).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))
    _laptop_clean(invited)
    new_officer.refresh_from_db()
    assert new_officer.check_password("Lantern-Quarry-41")
    invited.context.clear_cookies()
    _sign_in(invited, "new-officer@example.org", "Lantern-Quarry-41")
    invited.goto("/programmes/")
    invited.get_by_role("link", name="City Pair").click()
    expect(invited.get_by_role("heading", name="City Pair")).to_be_visible()
    expect(_team(invited).locator("li", has_text="new-officer@example.org")).not_to_contain_text("invited")
    _laptop_clean(invited)

    # Removing a colleague keeps their account.
    page.reload()
    page.get_by_role("button", name="Remove colleague@example.org").click()
    expect(page.get_by_text("colleague@example.org removed from the team.")).to_be_visible()
    expect(_team(page)).not_to_contain_text("colleague@example.org")
    assert django_user_model.objects.filter(pk=colleague.pk).exists()
    page.get_by_role("button", name="Remove new-officer@example.org").click()
    expect(page.get_by_text("new-officer@example.org removed from the team.")).to_be_visible()

    # The last officer cannot be removed: said in words, nothing changed.
    page.get_by_role("button", name="Remove officer@example.org").click()
    expect(
        page.get_by_text(
            "officer@example.org is the last officer of this programme: add another officer before removing them."
        )
    ).to_be_visible()
    expect(_team(page)).to_contain_text("officer@example.org")
    assert list(programme.officers.values_list("email", flat=True)) == ["officer@example.org"]
    _laptop_clean(page)


def _merge(page, keep: str) -> None:
    page.get_by_role("link", name="Merge into…").click()
    page.get_by_label("Keep").select_option(label=keep)
    _laptop_clean(page)
    page.get_by_label("I understand that this one is deleted once everything is moved.").check()
    page.get_by_role("button", name="Merge").click()


def test_merge_cities_organisations_participants_and_delete_what_nothing_uses(browser_context, officer):
    merged = CityFactory(name="nashville", region="TN", country="us", timezone="America/Chicago")
    kept = CityFactory(name="Nashville", region="Tennessee", country="US", timezone="America/Chicago")
    visit = StudyVisitFactory(programme=officer.programme, title="Belgians in Tennessee")
    item = ItineraryItemFactory(visit=visit, city=merged, title="Community policing")
    page = browser_context()
    _sign_in(page, "officer@example.org")

    # Two cities: the item of the one merged now shows the one kept, and its history says so.
    page.goto(f"/cities/{merged.pk}/")
    _merge(page, "Nashville (US)")
    expect(page.get_by_text("nashville (us) merged into Nashville (US).")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/cities/{kept.pk}/$"))
    item.refresh_from_db()
    assert item.city == kept
    assert not City.objects.filter(pk=merged.pk).exists()
    assert item.history.latest("history_id").history_change_reason == "merged from nashville (us)"
    page.goto(f"/visits/{visit.pk}/")
    shown = page.locator(".itinerary-item").filter(has=page.locator(".item-title", has_text="Community policing"))
    expect(shown).to_contain_text("· Nashville")
    expect(shown).not_to_contain_text("nashville")
    expect(page.locator("#history")).to_contain_text("(merged from nashville (us))")
    _laptop_clean(page)

    # Two organisations: the people of the one merged work for the one kept.
    meridian = OrganisationFactory(name="Meridian Intl", city=kept)
    kept_meridian = OrganisationFactory(name="Meridian International Center", city=kept)
    person = ParticipantFactory(first_name="Ada", last_name="Lovelace", organisation=meridian)
    page.goto(f"/organisations/{meridian.pk}/")
    _merge(page, str(kept_meridian))
    expect(page.get_by_text(f"{meridian} merged into {kept_meridian}.")).to_be_visible()
    person.refresh_from_db()
    assert person.organisation == kept_meridian
    assert not Organisation.objects.filter(pk=meridian.pk).exists()
    _laptop_clean(page)

    # Two participants: the roster place moves, what the one kept lacks is filled in.
    delegation = visit.delegation
    twice = ParticipantFactory(first_name="Jan", last_name="Peeters", email="", phone="+32 470 12 34 56")
    kept_jan = ParticipantFactory(
        first_name="Jan", last_name="Peeters", email="jan.peeters@example.be", created_by=officer
    )
    DelegationMemberFactory(delegation=delegation, participant=twice)
    page.goto(f"/participants/{twice.pk}/")
    _merge(page, str(kept_jan))
    expect(page.get_by_text(f"merged into {kept_jan}.")).to_be_visible()
    assert not Participant.objects.filter(pk=twice.pk).exists()
    kept_jan.refresh_from_db()
    assert kept_jan.phone == "+32 470 12 34 56"
    assert list(delegation.members.values_list("participant", flat=True)) == [kept_jan.pk]
    expect(page.locator("#history")).to_contain_text("merged from Jan Peeters")
    _laptop_clean(page)
    page.goto(f"/delegations/{delegation.pk}/")
    expect(page.locator("main table tbody")).to_contain_text("Jan Peeters")
    expect(page.locator("#history")).not_to_contain_text("None")
    _laptop_clean(page)

    # A city nothing refers to is deleted.
    unused = CityFactory(name="Knoxville", country="US", timezone="America/New_York")
    page.goto(f"/cities/{unused.pk}/")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Knoxville (US) deleted.")).to_be_visible()
    assert not City.objects.filter(pk=unused.pk).exists()
    _laptop_clean(page)

    # A city that comes into use while its page is open is refused in words, and stays.
    memphis = CityFactory(name="Memphis", country="US", timezone="America/Chicago")
    page.goto(f"/cities/{memphis.pk}/")
    ItineraryItemFactory(visit=visit, city=memphis, title="Civil rights museum")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Memphis, US is used by ")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/cities/{memphis.pk}/$"))
    assert City.objects.filter(pk=memphis.pk).exists()
    assert ItineraryItem.objects.filter(city=memphis).count() == 1
    _laptop_clean(page)


def test_join_request_to_someone_in_another_programme(browser_context, settings, live_server, django_user_model):
    settings.SITE_URL = live_server.url
    officer2 = django_user_model.objects.create_user(
        username="officer2@example.org", email="officer2@example.org", password=PASSWORD
    )
    visit = StudyVisitFactory(programme=ProgrammeFactory(name="Strong Cities"), title="Strasbourg in Barcelona")
    visit.programme.officers.add(officer2)
    delegation = visit.delegation
    person_login = django_user_model.objects.create_user(
        username="md@example.fr", email="md@example.fr", password=PASSWORD
    )
    elsewhere = ParticipantFactory(
        first_name="Mireille",
        last_name="Dubois-Secret",
        email="md@example.fr",
        user=person_login,
        position="Undercover liaison",
    )
    DelegationMemberFactory(delegation=StudyVisitFactory(title="Somewhere else").delegation, participant=elsewhere)
    page = browser_context()
    _sign_in(page, "officer2@example.org")

    page.goto("/participants/new/")
    page.get_by_label("First name").fill("M")
    page.get_by_label("Last name").fill("D")
    page.get_by_label("Email").fill("MD@example.fr")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Someone with this email address is already in the directory")).to_have_count(1)
    for secret in ("Mireille", "Dubois-Secret", "Undercover liaison", f"/participants/{elsewhere.pk}/"):
        assert secret not in page.content()
    assert Participant.objects.filter(email__iexact="md@example.fr").count() == 1
    _laptop_clean(page)

    page.get_by_role("link", name="Ask them to join").click()
    expect(page.get_by_label("email")).to_have_value("MD@example.fr")
    page.get_by_label("delegation").select_option(label=delegation.name)
    _laptop_clean(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("they have been emailed an invitation to join it")).to_be_visible()
    assert not delegation.members.filter(participant=elsewhere).exists()
    notification = Notification.objects.get(kind="join_request")
    assert (notification.to_email, notification.status) == ("md@example.fr", Notification.Status.SENT)
    sent = [message for message in mail.outbox if message.to == ['"Mireille Dubois-Secret" <md@example.fr>']]
    assert len(sent) == 1
    link = re.search(r"https?://\S+/join/[^/\s]+/", sent[0].body).group(0)
    _laptop_clean(page)

    # The person, signed in to their own account, follows the emailed link and joins.
    person = browser_context()
    person.goto("/accounts/login/")
    person.fill("input[name=login]", "md@example.fr")
    person.fill("input[name=password]", PASSWORD)
    person.locator("main button[type=submit]").click()
    person.wait_for_url(lambda url: "/accounts/login/" not in url)
    person.goto(urlsplit(link).path)
    expect(person.get_by_role("heading", name=f"Join the delegation “{delegation.name}”")).to_be_visible()
    expect(person.get_by_text("officer2@example.org would like to add you")).to_be_visible()
    _laptop_clean(person)
    person.get_by_role("button", name="Join the delegation").click()
    expect(person.get_by_text(f"You are on the roster of “{delegation.name}”.")).to_be_visible()
    member = DelegationMember.objects.get(delegation=delegation, participant=elsewhere)
    assert member.status == DelegationMember.Status.INVITED
    _laptop_clean(person)

    # The officer now sees them on the roster, as invited.
    page.goto(f"/delegations/{delegation.pk}/")
    row = page.locator("tr", has_text="Mireille Dubois-Secret")
    expect(row).to_contain_text("Invited")
    page.screenshot(path=SCREENSHOTS / "join-request-roster.png", full_page=True)
    _laptop_clean(page)


def test_duplicate_programme_name_and_participant_email_refused_in_words(browser_context, officer):
    existing = ParticipantFactory(first_name="Jan", last_name="Peeters", email="jan.peeters@example.be")
    DelegationMemberFactory(delegation=StudyVisitFactory(programme=officer.programme).delegation, participant=existing)
    page = browser_context()
    _sign_in(page, "officer@example.org")

    page.goto("/programmes/new/")
    page.locator("#id_name").fill("city pair")
    page.get_by_label("Organiser").select_option(index=1)
    page.get_by_label("Reminder days before a visit").fill("7, 1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("already exists.")).to_have_count(1)
    _laptop_clean(page)
    assert Programme.objects.filter(name__iexact="city pair").count() == 1
    page.locator("main").get_by_role("link", name="City Pair").click()
    expect(page).to_have_url(re.compile(rf"/programmes/{officer.programme.pk}/$"))

    page.goto("/participants/new/")
    page.get_by_label("First name").fill("Jan")
    page.get_by_label("Last name").fill("Peeters")
    page.get_by_label("Email").fill("Jan.Peeters@example.be")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("already exists.")).to_have_count(1)
    _laptop_clean(page)
    assert Participant.objects.filter(email__iexact="jan.peeters@example.be").count() == 1
    page.locator("main").get_by_role("link", name="Jan Peeters").click()
    expect(page).to_have_url(re.compile(rf"/participants/{existing.pk}/$"))
    _laptop_clean(page)
