"""The order as a PDF, drawn by WeasyPrint from the same template as the page.

WeasyPrint fetches what the document links to (its stylesheet): here only the portal's own static files, read from
the disk. Nothing goes out on the network, whatever a template or an operator's setting points to."""

import mimetypes
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

with warnings.catch_warnings():
    # Without the system's HarfBuzz subset library, WeasyPrint 70 draws the same PDF (fonts subset its own way) and
    # warns at import that a future version will require it: a note for the image's packages, not an error here.
    warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse


def static_file(name: str) -> Path | None:
    """A static file on the disk: from the apps' folders (development, tests), or collected (the manifest's hashed
    names, in production)."""
    located = finders.find(name)
    if located:
        return Path(located)
    try:
        collected = Path(staticfiles_storage.path(name))
    except NotImplementedError:
        return None
    return collected if collected.is_file() else None


class StaticFilesOnly(URLFetcher):
    def fetch(self, url, headers=None):
        path = urlsplit(url).path
        located = static_file(path.removeprefix(settings.STATIC_URL)) if path.startswith(settings.STATIC_URL) else None
        if located is None:
            raise ValueError(f"Not a static file of the portal: {url}")
        content_type = mimetypes.guess_type(located.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=located.read_bytes(), headers={"Content-Type": content_type})


def pdf_from_html(html: str) -> bytes:
    return HTML(string=html, base_url=f"{settings.SITE_URL}/", url_fetcher=StaticFilesOnly()).write_pdf()
