"""Who changed what and when: the latest django-simple-history records of an object and its parts.

Officer pages show a compact "History" section (``templates/includes/history.html``). The
records come from querysets the caller already limits to what the page shows, so the
visibility of the page is the visibility of its history. Two queries per history table,
whatever the number of records: the latest records, each annotated with the id of its
predecessor, then those predecessors, to diff against.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import dateformat
from django.utils.translation import pgettext, pgettext_lazy

# Bookkeeping fields that change on every save and say nothing to a reader.
IGNORED_FIELDS = {"updated_at", "created_at"}


@dataclass
class HistoryEntry:
    at: object
    user: object
    action: str  # "+" created, "~" changed, "-" deleted
    label: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, old, new)


def _shown(value, zone: dt.tzinfo | None = None) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # tzname() knows which 01:30 of the night clocks go back; the "T" format cannot tell them apart.
        local = value.astimezone(zone or dt.UTC)
        return f"{dateformat.format(local, 'j M Y H:i')} {local.tzname()}"
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _name(record) -> str:
    """What the record is about, from its own columns (a title, a name) or the person it is about.

    ``record.history_object`` would build a fresh instance whose relations are not loaded.
    A model named by its relations (a travel leg by its cities) says how with ``history_label(record)``.
    """
    label = getattr(record.instance_type, "history_label", None)
    if label is not None:
        return label(record)
    for attribute in ("title", "name"):
        value = getattr(record, attribute, None)
        if isinstance(value, str):
            return value
    if hasattr(record, "first_name") and hasattr(record, "last_name"):
        return f"{record.first_name} {record.last_name}"
    if getattr(record, "participant_id", None):
        # An older record may point at a person since merged into another (their name is gone with them).
        return str(record.participant) if record.participant is not None else "—"
    return str(record.history_object)


def _changes(record, previous, zone: dt.tzinfo | dict | None = None) -> list[tuple[str, str, str]]:
    if previous is None or record.history_type != "~":
        return []
    model = record.instance_type
    tracked = [f.name for f in record.tracked_fields if f.editable and f.name not in IGNORED_FIELDS]
    m2m = [f.name for f in record._history_m2m_fields]
    delta = record.diff_against(previous, included_fields=tracked, excluded_fields=m2m)
    changes = []
    for change in delta.changes:
        model_field = model._meta.get_field(change.field)
        if model_field.is_relation:
            # Keys would show bare ids; saying that it changed keeps the section query-free.
            changes.append((str(model_field.verbose_name), "", ""))
        else:
            # A record whose times belong to different places (a leg's two ends) maps each field to its zone.
            field_zone = zone.get(change.field) if isinstance(zone, dict) else zone
            changes.append(
                (str(model_field.verbose_name), _shown(change.old, field_zone), _shown(change.new, field_zone))
            )
    return changes


def history_entries(
    *histories: QuerySet, limit: int = 15, zone_of: Callable[[object], dt.tzinfo | dict | None] | None = None
) -> list[HistoryEntry]:
    """The latest ``limit`` records across ``histories`` (``Model.history`` querysets), newest first.

    Records about a participant (delegation members) need ``select_related("participant")``.
    Changed datetimes are shown in ``zone_of(record)`` (an item's city's zone, or a mapping of
    field name to zone for a record whose times belong to two places), else in UTC,
    each with its zone's abbreviation; ``zone_of`` reads only what the querysets selected.
    """
    records = []
    for history in histories:
        model = history.model
        predecessor = (
            model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        latest = list(
            history.select_related("history_user")
            .annotate(previous_id=Subquery(predecessor))
            .order_by("-history_date", "-history_id")[:limit]
        )
        previous_ids = [record.previous_id for record in latest if record.previous_id and record.history_type == "~"]
        previous = model.objects.in_bulk(previous_ids) if previous_ids else {}
        for record in latest:
            records.append((record, previous.get(record.previous_id)))
    records.sort(key=lambda pair: pair[0].history_date, reverse=True)
    return [
        HistoryEntry(
            at=record.history_date,
            user=record.history_user,
            action=record.history_type,
            label=f"{record.instance_type._meta.verbose_name}: {_name(record)}",
            reason=record.history_change_reason or "",
            changes=_changes(record, previous_record, zone_of(record) if zone_of else None),
        )
        for record, previous_record in records[:limit]
    ]


def history_user_set(obj, by) -> None:
    """Name ``by`` as who made the next change to ``obj`` (its save or delete) in its history.

    Inside a request simple-history's middleware names the request's user; a service called
    from a Celery task or a management command has no request, so it says so itself.
    Without a saved user (``by=None``), the middleware's answer, if any, stands.
    """
    if getattr(by, "pk", None) is not None:
        obj._history_user = by


# The reasons the services write into history (``_change_reason``): stored in English, as stable
# words a query can match, and shown in the reader's language. A follow-up's "status: <value>" names
# one of FollowUp.Status's values.
REASON_LABELS = {
    "cloned": pgettext_lazy("history reason", "cloned"),
    "created": pgettext_lazy("history reason", "created"),
    "updated": pgettext_lazy("history reason", "updated"),
    "deleted": pgettext_lazy("history reason", "deleted"),
    "duplicated": pgettext_lazy("history reason", "duplicated"),
    "published": pgettext_lazy("history reason", "published"),
    "unpublished": pgettext_lazy("history reason", "unpublished"),
    "imported": pgettext_lazy("history reason", "imported"),
    "invitation sent": pgettext_lazy("history reason", "invitation sent"),
    "invitation accepted": pgettext_lazy("history reason", "invitation accepted"),
    "joined on request": pgettext_lazy("history reason", "joined on request"),
    "network membership recorded": pgettext_lazy("history reason", "network membership recorded"),
    "erased": pgettext_lazy("history reason", "erased"),
    "retention period over": pgettext_lazy("history reason", "retention period over"),
}
STATUS_WORDS = {
    "open": pgettext_lazy("follow-up status", "open"),
    "in_progress": pgettext_lazy("follow-up status", "in progress"),
    "done": pgettext_lazy("follow-up status", "done"),
    "dropped": pgettext_lazy("follow-up status", "dropped"),
}
REASON_PATTERNS = [
    ("merged from ", pgettext_lazy("history reason", "merged from %(name)s")),
    ("merged into ", pgettext_lazy("history reason", "merged into %(name)s")),
]


def reason_label(reason: str | None) -> str:
    """A history record's reason in the active language; one we do not know is shown as written."""
    if not reason:
        return ""
    if reason in REASON_LABELS:
        return str(REASON_LABELS[reason])
    if reason.startswith("status: "):
        value = reason.removeprefix("status: ")
        return pgettext("history reason", "status: %(status)s") % {"status": STATUS_WORDS.get(value, value)}
    for prefix, label in REASON_PATTERNS:
        if reason.startswith(prefix):
            return label % {"name": reason.removeprefix(prefix)}
    return reason
