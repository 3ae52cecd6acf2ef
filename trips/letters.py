"""Invitation letters: a programme's template filled for one participant, as a PDF.

The officer's delegate-access page and the delegate's own record page both answer with
``letter_pdf_response``; each fetches the visit and participant through its own reach.
"""

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import override

from visits.models import StudyVisit
from visits.pdf import pdf_from_template

from .models import InvitationLetterTemplate


def letter_values(visit: StudyVisit, participant) -> dict[str, str]:
    """The values of the letter placeholders for one participant, in the active language."""
    stops = visit.stops.select_related("city").order_by("position")
    return {
        "participant_name": participant.full_name,
        "participant_position": participant.position,
        "participant_organisation": participant.organisation.name if participant.organisation_id else "",
        "visit_title": visit.title,
        "visit_starts_on": formats.date_format(visit.starts_on, "j F Y"),
        "visit_ends_on": formats.date_format(visit.ends_on, "j F Y"),
        "host_cities": ", ".join(stop.city.name for stop in stops),
        "programme_name": visit.programme.name,
        "organiser_name": visit.programme.organiser.name,
        "today": formats.date_format(timezone.localdate(), "j F Y"),
    }


def letter_pdf_response(visit: StudyVisit, participant, template: InvitationLetterTemplate) -> HttpResponse:
    """The template filled for ``participant`` in its own language, rendered by WeasyPrint."""
    language = template.language
    with override(language):
        subject, body = template.fill(letter_values(visit, participant))
        pdf = pdf_from_template(
            "trips/delegate_access/letter_pdf.html",
            {"visit": visit, "subject": subject, "body": body, "template": template, "language": language},
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = slugify(f"invitation-{participant.full_name}-{language}")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response
