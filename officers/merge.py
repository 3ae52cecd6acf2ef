"""Merging two directory records and deleting one nothing refers to, for every model that points at them.

The relations are read from ``_meta.related_objects`` (every foreign key, one-to-one and
many-to-many that points at the model, whichever app declares it), so a model added later is
moved too without a line here. simple-history's own tables point at the model through
hidden relations and keep the old ids: a history record says what was true then.
"""

import operator
from functools import reduce

from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from .history import history_user_set


def _has_history(model) -> bool:
    return hasattr(model, "history") and hasattr(model._meta, "simple_history_manager_attribute")


def references(obj) -> list[tuple[models.Model, int]]:
    """What refers to ``obj``: (model, count) for each relation with at least one row, largest first."""
    counts = []
    for relation in obj._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            count = through._base_manager.filter(**{relation.field.m2m_reverse_field_name(): obj.pk}).count()
        else:
            count = relation.related_model._base_manager.filter(**{relation.field.name: obj.pk}).count()
        if count:
            counts.append((relation.related_model, count))
    return sorted(counts, key=lambda pair: -pair[1])


def referenced(model) -> models.Q:
    """Whether anything refers to a row of ``model``, as a condition on its ``pk``.

    For ``annotate`` (``referenced=referenced(Participant)``), so that a page learns it with
    the row it fetches anyway, or for ``filter``; one ``EXISTS`` per relation, in one query.
    """
    pk = models.OuterRef("pk")
    exists = [
        models.Exists(relation.through._base_manager.filter(**{relation.field.m2m_reverse_field_name(): pk}))
        if relation.many_to_many
        else models.Exists(relation.related_model._base_manager.filter(**{relation.field.name: pk}))
        for relation in model._meta.related_objects
    ]
    if not exists:
        return models.Q(models.Value(False))
    return reduce(operator.or_, map(models.Q, exists))


def references_in_words(obj) -> str:
    """What ``references`` found, for a message: "3 itinerary items, 1 organisation"."""
    return ", ".join(
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in references(obj)
    )


def _unique_partners(model, field_name: str) -> list[list[str]]:
    """For each uniqueness rule of ``model`` that includes ``field_name``, the other fields in it."""
    sets = [list(fields) for fields in model._meta.unique_together]
    sets += [list(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields]
    return [[name for name in fields if name != field_name] for fields in sets if field_name in fields]


def _colliding(queryset, field_name: str, new, rules: list[list[str]]):
    """Rows of ``queryset`` that would break a uniqueness rule once they point at ``new``: the kept
    record already has the same row (the same delegation's roster, the same membership period)."""
    ids = set()
    for others in rules:
        if not others:
            kept = queryset.model._base_manager.filter(**{field_name: new.pk}).exists()
            if kept:
                ids |= set(queryset.values_list("pk", flat=True))
            continue
        taken = set(queryset.model._base_manager.filter(**{field_name: new.pk}).values_list(*others))
        for row in queryset.values("pk", *others):
            if tuple(row[name] for name in others) in taken:
                ids.add(row["pk"])
    return ids


def references_move(old, new, *, by, reason: str) -> None:
    """Point every row that refers to ``old`` at ``new``; the caller holds the transaction.

    A row that would duplicate one the kept record already has (both on the same roster, the
    same membership period twice) is deleted rather than moved. Rows of models with history
    are moved through simple-history with ``reason`` and ``by``; an owner of a many-to-many
    with history is saved once so its history shows the new set.
    """
    now = timezone.now()
    for relation in old._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many:
            _move_many_to_many(relation, old, new, by=by, reason=reason)
            continue
        field_name = relation.field.name
        rows = model._base_manager.filter(**{field_name: old.pk})
        colliding = _colliding(rows, field_name, new, _unique_partners(model, field_name))
        for row in model._base_manager.filter(pk__in=colliding):
            row._change_reason = reason
            history_user_set(row, by)
            row.delete()
        rows = model._base_manager.filter(**{field_name: old.pk})
        if _has_history(model):
            objects = list(rows)
            fields = [field_name]
            for obj in objects:
                setattr(obj, field_name, new)
                if hasattr(obj, "updated_at"):
                    obj.updated_at = now
                    fields = [field_name, "updated_at"]
            if objects:
                user = by if getattr(by, "pk", None) is not None else None
                bulk_update_with_history(objects, model, fields, default_user=user, default_change_reason=reason)
        else:
            rows.update(**{field_name: new.pk})
    # A record that was part of the one merged away (an office of its parent) is not part of itself.
    for field in new._meta.concrete_fields:
        if field.is_relation and field.related_model is type(new) and getattr(new, field.attname) in (old.pk, new.pk):
            type(new)._base_manager.filter(pk=new.pk).update(**{field.attname: None})
            setattr(new, field.attname, None)


def _move_many_to_many(relation, old, new, *, by, reason: str) -> None:
    through = relation.through
    owner_name, target_name = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
    rows = through._base_manager.filter(**{target_name: old.pk})
    owner_ids = list(rows.values_list(f"{owner_name}_id", flat=True))
    already = through._base_manager.filter(**{target_name: new.pk, f"{owner_name}_id__in": owner_ids})
    rows.filter(**{f"{owner_name}_id__in": already.values(f"{owner_name}_id")}).delete()
    rows.update(**{target_name: new.pk})
    owner_model = relation.related_model
    if _has_history(owner_model):
        for owner in owner_model._base_manager.filter(pk__in=owner_ids):
            owner._change_reason = reason
            history_user_set(owner, by)
            owner.save()
