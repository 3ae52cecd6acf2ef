import datetime as dt
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from delegations.models import DelegationMember, Participant
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from privacy.services import participant_erase, participant_export_data, sensitive_data_purge
from trips.models import CheckIn, CheckInLink, CheckInRequest
from trips.services import check_in_record
from visits.tests.factories import StudyVisitFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Lantern-Quarry-41-Meadow"


@pytest.fixture
def camille():
    user = get_user_model().objects.create_user(
        username="camille@example.org", email="camille@example.org", password=PASSWORD
    )
    return ParticipantFactory(
        user=user,
        first_name="Camille",
        last_name="Exemple",
        email="camille@example.org",
        phone="+32 4 111 11 11",
        dietary_needs="Vegetarian",
        accessibility_needs="Step-free access",
        emergency_contact_name="Dominique Exemple",
        emergency_contact_phone="+32 4 000 00 00",
    )


def _member_of_visit(participant, *, ends_on):
    member = DelegationMemberFactory(participant=participant)
    StudyVisitFactory(delegation=member.delegation, starts_on=ends_on - dt.timedelta(days=3), ends_on=ends_on)
    return member


def test_export_holds_the_person_and_their_visits(camille):
    _member_of_visit(camille, ends_on=dt.date(2019, 11, 9))

    data = participant_export_data(camille)

    assert data["participant"]["email"] == "camille@example.org"
    assert data["participant"]["dietary_needs"] == "Vegetarian"
    assert [visit["ends_on"] for visit in data["visits"]] == ["2019-11-09"]
    assert len(data["delegations"]) == 1
    json.dumps(data)


def test_erasure_anonymises_keeps_counts_and_ends_sessions(camille):
    member = _member_of_visit(camille, ends_on=dt.date(2019, 11, 9))
    phone = Client()
    phone.post(reverse("account_login"), {"login": "camille@example.org", "password": PASSWORD})
    assert phone.get(reverse("my:visit_list")).status_code == 200
    user = camille.user

    participant_erase(camille, by=None)

    camille.refresh_from_db()
    user.refresh_from_db()
    assert (camille.first_name, camille.last_name) == ("Erased", f"participant #{camille.pk}")
    assert [camille.email, camille.phone, camille.dietary_needs, camille.emergency_contact_phone] == ["", "", "", ""]
    assert camille.user is None
    assert list(DelegationMember.objects.filter(participant=camille)) == [member]
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    assert phone.get(reverse("my:visit_list")).status_code == 302
    assert not camille.history.filter(email="camille@example.org").exists()
    assert not camille.history.filter(dietary_needs="Vegetarian").exists()


def test_retention_clears_sensitive_fields_only_after_the_period(camille, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    _member_of_visit(camille, ends_on=dt.date(2019, 11, 9))

    assert sensitive_data_purge(today=dt.date(2020, 5, 1)) == 0
    assert sensitive_data_purge(today=dt.date(2020, 5, 8)) == 1

    camille.refresh_from_db()
    assert [camille.dietary_needs, camille.accessibility_needs, camille.emergency_contact_name] == ["", "", ""]
    assert camille.email == "camille@example.org"
    assert not camille.history.filter(dietary_needs="Vegetarian").exists()


def test_retention_keeps_data_of_someone_with_an_upcoming_visit(camille, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    _member_of_visit(camille, ends_on=dt.date(2019, 11, 9))
    _member_of_visit(camille, ends_on=dt.date(2020, 9, 1))

    assert sensitive_data_purge(today=dt.date(2020, 6, 1)) == 0
    assert Participant.objects.get(pk=camille.pk).dietary_needs == "Vegetarian"


def test_commands_export_and_erase(camille):
    out = StringIO()
    call_command("export_participant", camille.pk, stdout=out)
    assert json.loads(out.getvalue())["participant"]["last_name"] == "Exemple"

    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_participant", camille.pk)
    call_command("erase_participant", camille.pk, "--yes", stdout=StringIO())

    assert Participant.objects.get(pk=camille.pk).first_name == "Erased"
    with pytest.raises(CommandError, match="No participant"):
        call_command("export_participant", 999999)


def _check_in(participant, visit, *, status="needs_help"):
    request = CheckInRequest.objects.create(visit=visit, expires_at=dt.datetime(2019, 11, 6, tzinfo=dt.UTC))
    CheckInLink.objects.create(request=request, participant=participant)
    return CheckIn.objects.create(
        visit=visit, participant=participant, request=request, status=status, message="Lost", place="Nashville"
    )


def test_export_holds_their_check_ins(camille):
    member = _member_of_visit(camille, ends_on=dt.date(2019, 11, 9))
    check_in = _check_in(camille, member.delegation.visits.get())

    data = participant_export_data(camille)

    assert data["check_ins"] == [
        {
            "visit": check_in.visit.title,
            "status": "needs_help",
            "message": "Lost",
            "place": "Nashville",
            "at": check_in.created_at.isoformat(),
        }
    ]
    json.dumps(data)


def test_erasure_deletes_their_check_ins_and_links(camille):
    member = _member_of_visit(camille, ends_on=dt.date(2019, 11, 9))
    visit = member.delegation.visits.get()
    _check_in(camille, visit)
    other = _check_in(ParticipantFactory(), visit, status="safe")

    participant_erase(camille, by=None)

    assert list(CheckIn.objects.all()) == [other]
    assert list(CheckInLink.objects.values_list("participant", flat=True)) == [other.participant_id]


def test_retention_deletes_check_ins_only_after_the_period(camille, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    member = _member_of_visit(camille, ends_on=dt.date(2019, 11, 9))
    _check_in(camille, member.delegation.visits.get())

    sensitive_data_purge(today=dt.date(2020, 5, 1))
    assert CheckIn.objects.count() == 1
    sensitive_data_purge(today=dt.date(2020, 5, 8))

    assert (CheckIn.objects.count(), CheckInLink.objects.count()) == (0, 0)


def test_erasure_blanks_the_help_alerts_that_name_them(camille):
    member = _member_of_visit(camille, ends_on=dt.date(2019, 11, 9))
    visit = member.delegation.visits.get()
    officer = get_user_model().objects.create_user(username="o@example.org", email="o@example.org", password="x")
    visit.programme.officers.add(officer)
    check_in_record(visit, camille, status="needs_help", message="Lost")
    other = Notification.objects.create(
        key="other:1", kind="test", to_email="o@example.org", subject="Keep", body_text="b"
    )

    participant_erase(camille, by=None)

    alert = Notification.objects.get(kind="check_in_alert")
    assert (alert.to_email, alert.subject, alert.body_text, alert.status) == ("o@example.org", "", "", "cancelled")
    other.refresh_from_db()
    assert other.subject == "Keep"
