"""Publishing with a preview: what ``visit_publish`` would send, shown before anything is sent, and
publishing only what the officer saw.

The preview runs ``visit_publish`` itself in a transaction that is rolled back and reads the outbox
rows it wrote, so it shows exactly what publishing sends (recipients, languages, subjects, bodies,
calendar parts), whatever publishing comes to include; the rollback discards the rows, the history
and the hand-over to Celery (on-commit hooks of a rolled-back block never run).
"""

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from delegations.models import DelegationMember
from notifications.models import Notification
from notifications.selectors import notifications_about

from ..models import StudyVisit
from .publishing import visit_publish


@dataclass(frozen=True)
class PlannedMessage:
    """One message publishing would write to the outbox (an unsaved copy of its row)."""

    to_name: str
    to_email: str
    language: str
    subject: str
    body_text: str
    body_html: str
    attachments: tuple[str, ...]
    # iTIP parts by method ("REQUEST": 5), read from each attachment's mimetype.
    methods: dict[str, int]
    bounced: str = ""  # why it will not be sent, when the address bounced for good

    @property
    def will_send(self) -> bool:
        return not self.bounced


@dataclass(frozen=True)
class LeftOut:
    """A member of the delegation who gets no message, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class PublishPreview:
    visit: StudyVisit
    messages: list[PlannedMessage]
    left_out: list[LeftOut]
    fingerprint: str
    ended: bool
    samples: dict[str, PlannedMessage] = field(default_factory=dict)

    @property
    def sending(self) -> int:
        return sum(message.will_send for message in self.messages)

    @property
    def languages(self) -> list[tuple[str, int]]:
        return sorted(Counter(message.language for message in self.messages if message.will_send).items())

    def ended_question(self) -> str:
        """ "This visit ended on 8 Nov 2019. Email 12 delegates about it anyway?" """
        return ngettext(
            "This visit ended on %(date)s. Email %(count)d delegate about it anyway?",
            "This visit ended on %(date)s. Email %(count)d delegates about it anyway?",
            self.sending,
        ) % {"date": ended_on(self.visit), "count": self.sending}


class _RolledBack(Exception):  # noqa: N818 - not an error: carries the rows out of the rolled-back block
    def __init__(self, rows):
        self.rows = rows


def _publish_rows(visit: StudyVisit, *, by) -> list[Notification]:
    """Publish inside the caller's transaction and return the outbox rows that publishing wrote."""
    before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    visit_publish(visit, by=by)
    return list(notifications_about(visit).filter(pk__gt=before).order_by("pk"))


def _methods(attachments: list[dict]) -> dict[str, int]:
    methods = Counter()
    for attachment in attachments:
        params = dict(
            part.strip().split("=", 1) for part in attachment.get("mimetype", "").split(";")[1:] if "=" in part
        )
        methods[params.get("method", "").upper() or attachment.get("mimetype", "")] += 1
    return dict(methods)


def _planned(row: Notification) -> PlannedMessage:
    return PlannedMessage(
        to_name=row.to_name,
        to_email=row.to_email,
        language=row.language,
        subject=row.subject,
        body_text=row.body_text,
        body_html=row.body_html,
        attachments=tuple(attachment["filename"] for attachment in row.attachments),
        methods=_methods(row.attachments),
        bounced=row.last_error if row.status == Notification.Status.FAILED else "",
    )


def publish_fingerprint(messages: list[PlannedMessage]) -> str:
    """What the officer was shown, in 64 characters: recipients, languages, subjects, texts, attachments.

    The calendar parts' content is left out: their DTSTAMP is the moment of publishing.
    """
    shown = sorted(
        [m.to_email, m.language, m.subject, m.body_text, list(m.attachments), bool(m.bounced)] for m in messages
    )
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


def _left_out(visit: StudyVisit, messages: list[PlannedMessage]) -> list[LeftOut]:
    if visit.delegation_id is None:
        return []
    emailed = {message.to_email for message in messages}
    members = (
        DelegationMember.objects.visible_to_delegates()
        .filter(delegation_id=visit.delegation_id)
        .select_related("participant")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    left_out = []
    for member in members:
        participant = member.participant
        if participant.email and participant.email in emailed:
            continue
        if not participant.email:
            reason = _("no email address")
        elif member.status != DelegationMember.Status.CONFIRMED:
            reason = _("invited, not confirmed yet")
        else:
            reason = _("not emailed")
        left_out.append(LeftOut(participant.full_name, reason))
    return left_out


def ended_on(visit: StudyVisit) -> str:
    """The visit's last day as the question says it: "8 Nov 2019", "8 novembre 2019"."""
    # Translators: a date format (Django's date filter): French writes the month in full.
    return formats.date_format(visit.ends_on, pgettext("ended visit", "j M Y"))


def visit_ended(visit: StudyVisit, *, today: dt.date | None = None) -> bool:
    return visit.ends_on < (today or timezone.localdate())


def visit_publish_preview(visit: StudyVisit, *, by, today: dt.date | None = None) -> PublishPreview:
    """What publishing ``visit`` would send, with nothing saved, sent or queued.

    Raises ``ValidationError`` as ``visit_publish`` does (a visit that is not a draft).
    """
    try:
        with transaction.atomic():
            raise _RolledBack(_publish_rows(visit, by=by))
    except _RolledBack as rolled_back:
        rows = rolled_back.rows
    messages = [_planned(row) for row in rows]
    samples = {}
    for message in messages:
        samples.setdefault(message.language, message)
    return PublishPreview(
        visit=visit,
        messages=messages,
        left_out=_left_out(visit, messages),
        fingerprint=publish_fingerprint(messages),
        ended=visit_ended(visit, today=today),
        samples=dict(sorted(samples.items())),
    )


@transaction.atomic
def visit_publish_as_previewed(
    visit: StudyVisit, *, by, fingerprint: str, ended_confirmed: bool = False, today: dt.date | None = None
) -> StudyVisit:
    """Publish ``visit`` (``visit_publish``) only if it sends what the officer's preview showed.

    Refuses (``ValidationError``, nothing saved or queued) when the messages differ from the
    preview whose ``fingerprint`` was shown (the roster or the itinerary changed since), and for a
    visit that has ended unless ``ended_confirmed``.
    """
    if visit_ended(visit, today=today) and not ended_confirmed:
        raise ValidationError(
            _("This visit ended on %(date)s: tick the box to email its delegates anyway.") % {"date": ended_on(visit)}
        )
    rows = _publish_rows(visit, by=by)
    if publish_fingerprint([_planned(row) for row in rows]) != fingerprint:
        raise ValidationError(
            _(
                "What publishing would send has changed since your preview (the roster or the itinerary "
                "was edited). Nothing was sent: check the new preview and confirm again."
            )
        )
    return StudyVisit.objects.get(pk=visit.pk)
