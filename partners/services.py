"""Writes to the shared world: merging two cities or organisations, deleting one nothing uses."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from officers.merge import references_in_words, references_move

from .models import City, Organisation


def _merge(model, old, into, *, by):
    if old.pk == into.pk:
        raise ValidationError(_("Choose another record to keep: a record cannot be merged into itself."))
    old, into = (model.objects.select_for_update().get(pk=pk) for pk in (old.pk, into.pk))
    references_move(old, into, by=by, reason=f"merged from {old}")
    old.delete()
    return into


def _delete(obj, *, name: str) -> None:
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if used_by := references_in_words(obj):
        raise ValidationError(
            _("%(name)s is used by %(references)s: merge it into another instead.")
            % {"name": name, "references": used_by}
        )
    obj.delete()


@transaction.atomic
def city_merge(city: City, *, into: City, by) -> City:
    """Move everything that refers to ``city`` (organisations, people, items, stops, stays, follow-ups,
    memberships, delegations' home cities) to ``into`` and delete ``city``; returns ``into``.

    Rows with history record the move ("merged from …", by ``by``). Queues nothing.
    """
    return _merge(City, city, into, by=by)


@transaction.atomic
def city_delete(city: City, *, by) -> None:
    """Delete a city nothing refers to; otherwise say, in words, what uses it."""
    _delete(city, name=city.long_name)


@transaction.atomic
def organisation_merge(organisation: Organisation, *, into: Organisation, by) -> Organisation:
    """Move everything that refers to ``organisation`` (people, programmes, items, units, memberships,
    follow-ups) to ``into`` and delete ``organisation``; returns ``into``. Queues nothing."""
    return _merge(Organisation, organisation, into, by=by)


@transaction.atomic
def organisation_delete(organisation: Organisation, *, by) -> None:
    """Delete an organisation nothing refers to; otherwise say, in words, what uses it."""
    _delete(organisation, name=str(organisation))
