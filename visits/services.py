"""Workflows on visits: they change state and queue what must be said about it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import StudyVisit


@transaction.atomic
def visit_publish(visit: StudyVisit, *, by) -> StudyVisit:
    """Publish a draft visit: delegates can see its itinerary from now on.

    Changes the visit's status and publication time.
    """
    visit = StudyVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != StudyVisit.Status.DRAFT:
        raise ValidationError(_("Only a draft visit can be published."))
    visit.status = StudyVisit.Status.PUBLISHED
    visit.published_at = timezone.now()
    visit.full_clean()
    visit._change_reason = "published"
    visit.save()
    return visit


@transaction.atomic
def visit_unpublish(visit: StudyVisit, *, by) -> StudyVisit:
    """Take a published visit back to draft: delegates no longer see it."""
    visit = StudyVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != StudyVisit.Status.PUBLISHED:
        raise ValidationError(_("Only a published visit can be unpublished."))
    visit.status = StudyVisit.Status.DRAFT
    visit.published_at = None
    visit.full_clean()
    visit._change_reason = "unpublished"
    visit.save()
    return visit
