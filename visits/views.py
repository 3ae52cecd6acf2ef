from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .selectors import itinerary_for_visit, visits_for_user


@login_required
def home(request):
    visits = visits_for_user(request.user).order_by("-starts_on")
    return render(request, "visits/home.html", {"visits": visits})


@login_required
def visit_detail(request, pk: int):
    visit = get_object_or_404(visits_for_user(request.user).prefetch_related("stops__city", "themes"), pk=pk)
    items = list(itinerary_for_visit(visit))
    days = [(day, list(day_items)) for day, day_items in groupby(items, key=lambda item: item.local_start.date())]
    return render(request, "visits/visit_detail.html", {"visit": visit, "days": days})
