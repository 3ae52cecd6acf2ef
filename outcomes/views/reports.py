"""The visit report as a page and as a PDF, and the charts dashboard (one programme, one year or all), for officers."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from officers.roles import officer_confirmed
from pagecache.pages import cached_page
from visits.selectors import is_officer, programmes_for_officer, visits_for_officer

from ..charts import dashboard_for_officer, visit_counts_for_officer
from ..forms import ChartsScopeForm
from ..reports import report_visits, visit_report, visit_report_pdf


@cached_page
@login_required
def report_page(request, pk: int):
    visit = get_object_or_404(report_visits(visits_for_officer(request.user)), pk=pk)
    officer_confirmed(request.user)  # within an officer's reach: the menu's check needs no query
    report = visit_report(visit)
    return render(request, "outcomes/report/report.html", {"report": report, "visit": report.visit})


@cached_page
@login_required
def report_pdf(request, pk: int):
    visit = get_object_or_404(report_visits(visits_for_officer(request.user)), pk=pk)
    officer_confirmed(request.user)  # within an officer's reach: the menu's check needs no query
    report = visit_report(visit)
    response = HttpResponse(visit_report_pdf(report), content_type="application/pdf")
    filename = f"report-{slugify(visit.title)[:60]}-{visit.starts_on:%Y}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@cached_page
@login_required
def charts_dashboard(request):
    user = request.user
    # The officer's programmes, fetched once: whether there are any is the officer check (the menu's
    # ``roles.is_officer`` then reads ``_is_officer``), and the scope form offers them.
    programmes = list(programmes_for_officer(user).order_by("name", "pk"))
    user._is_officer = user.is_superuser or bool(programmes)
    if not is_officer(user):
        raise Http404
    visit_counts = visit_counts_for_officer(user)
    years = sorted({count.year for count in visit_counts}, reverse=True)
    scope_form = ChartsScopeForm(request.GET or None, user=user, programmes=programmes, years=years)
    charts = dashboard_for_officer(user, visit_counts=visit_counts, **scope_form.scope())
    return render(request, "outcomes/charts/dashboard.html", {**charts, "scope_form": scope_form})
