"""Officer pages of themes (shared reference data)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from officers.roles import officer_required
from officers.views import OfficerListView, form_page

from .. import services
from ..filters import ThemeFilter
from ..forms import ThemeForm
from ..selectors import (
    themes_for_officer,
)


class ThemeListView(OfficerListView):
    filterset_class = ThemeFilter
    template_name = "visits/theme_list.html"

    def get_base_queryset(self):
        return themes_for_officer(self.request.user).annotate(visit_count=Count("visits")).order_by("name")


@officer_required
def theme_edit(request, pk: int | None = None):
    theme = get_object_or_404(themes_for_officer(request.user), pk=pk) if pk else None
    form = ThemeForm(request.POST or None, instance=theme)
    if form.is_valid():
        services.theme_save(theme, **form.cleaned_data)
        messages.success(request, _("Theme saved."))
        return redirect("visits:theme_list")
    title = _("Edit theme %(name)s") % {"name": theme.name} if theme else _("New theme")
    return form_page(request, form, title=title, cancel_url=reverse("visits:theme_list"))
