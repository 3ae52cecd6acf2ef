"""PDFs rendered with WeasyPrint: the delegate's itinerary pack, invitation letters and the visit report.

WeasyPrint is imported only when a PDF is made (it is heavy). It reads stylesheets and
images from disk through the staticfiles finders, never over HTTP from our own server.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_BASE = "cityexchange-static:/"


class NoStaticFile(ValueError):
    pass


def _static_path(url: str) -> Path | None:
    """The file on disk behind a static URL; ``None`` for any other URL; ``NoStaticFile`` if there is none."""
    for prefix in (STATIC_BASE, settings.STATIC_URL):
        if url.startswith(prefix):
            relative = url[len(prefix) :].lstrip("/").split("?", 1)[0].split("#", 1)[0]
            if ".." in Path(relative).parts:
                raise NoStaticFile(f"No static file {relative}")
            path = Path(finders.find(relative) or Path(settings.STATIC_ROOT) / relative)
            if not path.is_file():
                raise NoStaticFile(f"No static file {relative}")
            return path
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serve our static files from disk and refuse everything else."""

        def fetch(self, url, headers=None):
            path = _static_path(url)
            if path is None:
                raise ValueError(f"Only the project's static files can be used in a PDF, not {url!r}.")
            mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mimetype})

    return StaticFilesFetcher


def pdf_from_template(template_name: str, context: dict) -> bytes:
    """Render a template to HTML and then to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "static_base": STATIC_BASE, "pdf": True})
    fetcher = _fetcher_class()()
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).write_pdf()
