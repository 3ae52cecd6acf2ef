"""What every officer page shares: the list view (the gate, a django-filter form, pagination) and the form page."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import ListView

from pagecache.pages import cached_page

from .roles import OfficerRequiredMixin


def query_id(request, name: str) -> str | None:
    """A primary key from the query string, or None: ASCII digits only (``"²".isdigit()`` is true
    but ``int("²")`` fails) and no wider than a database key."""
    value = request.GET.get(name, "")
    if value.isascii() and value.isdigit() and int(value) < 2**63:
        return value
    return None


def styled_filterset(filterset):
    """Give a filter form's widgets Bootstrap's classes."""
    for field in filterset.form.fields.values():
        widget = field.widget
        css = (
            "form-select"
            if getattr(widget, "input_type", "") == "select" or hasattr(widget, "choices")
            else "form-control"
        )
        widget.attrs.setdefault("class", css)
    return filterset


class OfficerListView(OfficerRequiredMixin, ListView):
    """A list of what the officer may reach, filtered by ``filterset_class`` and paginated."""

    filterset_class = None
    paginate_by = 20

    @classmethod
    def as_view(cls, **initkwargs):
        # Every list is cached whole, under the versions of the tables it read (pagecache).
        return cached_page(super().as_view(**initkwargs))

    def get_base_queryset(self):
        raise NotImplementedError

    def get_filterset_kwargs(self) -> dict:
        return {}

    def get_queryset(self):
        self.filterset = styled_filterset(
            self.filterset_class(
                self.request.GET or None,
                queryset=self.get_base_queryset(),
                request=self.request,
                **self.get_filterset_kwargs(),
            )
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter"] = self.filterset
        context["query_string"] = query.urlencode()
        return context


def form_page(
    request,
    form,
    *,
    title: str,
    cancel_url: str,
    submit: str | None = None,
    intro: str = "",
    history=None,
    template: str = "includes/form_page.html",
    extra: dict | None = None,
):
    """The shared form page; 400 when a bound form has errors.

    ``template`` may extend ``includes/form_page.html`` with what one form needs (the city form's
    list of time zones), given in ``extra``.
    """
    context = {"form": form, "title": title, "cancel_url": cancel_url, "submit": submit or _("Save"), "intro": intro}
    return render(
        request,
        template,
        {**context, "history": history, **(extra or {})},
        status=400 if form.is_bound and form.errors else 200,
    )
