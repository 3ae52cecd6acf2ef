"""What every officer page shares: the list view (the gate, a django-filter form remembered per
list, pagination) and the form page."""

from django import forms
from django.http import QueryDict
from django.shortcuts import redirect, render
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
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif getattr(widget, "input_type", "") == "select" or hasattr(widget, "choices"):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
    return filterset


def _is_hidden(widget) -> bool:
    if isinstance(widget, type):
        return issubclass(widget, forms.HiddenInput)
    return isinstance(widget, forms.HiddenInput)


class RememberedFilters:
    """An officer's last filters of one list, kept in their session, one entry per list (its URL name).

    Coming back to the bare list (from a detail page, the navigation) redirects to it as it was
    left; ``?reset`` forgets the list's filters. Only what the officer chose in the form is kept:
    a filter that a link sets in a hidden field (a visit's follow-ups) and the page number are not.
    A filter form is remembered when it was sent (one of its fields is in the URL) and valid.
    """

    SESSION_KEY = "list-filters"
    RESET = "reset"
    # Longer than any choice of filters an officer makes; a longer search is used but not kept.
    MAX_LENGTH = 1000

    def __init__(self, request, filterset_class):
        self.request = request
        self.key = request.resolver_match.view_name
        self.names = [
            name for name, spec in filterset_class.base_filters.items() if not _is_hidden(spec.extra.get("widget"))
        ]

    def _all(self) -> dict:
        return self.request.session.get(self.SESSION_KEY, {})

    def redirect_url(self) -> str | None:
        """Where to show the list instead of this URL: the remembered filters, or the bare list after a reset."""
        query, remembered = self.request.GET, self._all()
        if self.RESET in query:
            if self.key in remembered:
                self._store({k: v for k, v in remembered.items() if k != self.key})
            return self.request.path
        if not query and remembered.get(self.key):
            return f"{self.request.path}?{remembered[self.key]}"
        return None

    def remember(self, filterset) -> None:
        query = self.request.GET
        if not any(name in query for name in self.names):
            return
        chosen = QueryDict(mutable=True)
        for name in self.names:
            values = [value for value in query.getlist(name) if value]
            if values:
                chosen.setlist(name, values)
        encoded = chosen.urlencode()
        remembered = self._all()
        if not filterset.form.is_valid():
            # Remembered filters that no longer hold (a programme the officer left) are forgotten,
            # or the bare list would lead back to the error each time.
            if remembered.get(self.key) == encoded:
                self._store({k: v for k, v in remembered.items() if k != self.key})
            return
        if remembered.get(self.key, "") == encoded or len(encoded) > self.MAX_LENGTH:
            return
        remembered = {k: v for k, v in remembered.items() if k != self.key}
        if encoded:
            remembered[self.key] = encoded
        self._store(remembered)

    def _store(self, remembered: dict) -> None:
        self.request.session[self.SESSION_KEY] = remembered


class OfficerListView(OfficerRequiredMixin, ListView):
    """A list of what the officer may reach, filtered by ``filterset_class`` and paginated."""

    filterset_class = None
    paginate_by = 20

    @classmethod
    def as_view(cls, **initkwargs):
        # Every list is cached whole, under the versions of the tables it read (pagecache), and
        # under the officer's remembered filters, which decide whether the bare list redirects.
        return cached_page(vary_on_session=(RememberedFilters.SESSION_KEY,))(super().as_view(**initkwargs))

    def get_base_queryset(self):
        raise NotImplementedError

    def get_filterset_kwargs(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        self.remembered = RememberedFilters(request, self.filterset_class)
        if url := self.remembered.redirect_url():
            return redirect(url)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.filterset = styled_filterset(
            self.filterset_class(
                self.request.GET or None,
                queryset=self.get_base_queryset(),
                request=self.request,
                **self.get_filterset_kwargs(),
            )
        )
        self.remembered.remember(self.filterset)
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
