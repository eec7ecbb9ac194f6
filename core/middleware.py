from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    """French unless the visitor picked another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, but a département's portal
    speaks French first: an English-speaking browser still lands on French pages, the switch is one click.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class RejectNulBytesMiddleware:
    """A NUL byte is never legitimate in a URL, a form or an uploaded text, and PostgreSQL refuses it in text:
    answer 400 rather than let a lookup or a save fail with a 500. Form validation is not enough: a widget such
    as the admin's autocomplete queries with the posted value while the form is shown again with its errors.

    The URL is checked before anything else. The body is checked in process_view, once every middleware has
    seen the request, so that the refusal goes out through them (language, CSP and framing headers). Reading
    request.POST there is safe: it only stops a view from changing its upload handlers, which none does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for values in request.GET.lists() for value in values[1])
        ):
            with translation.override(settings.LANGUAGE_CODE):  # the visitor's choice is not read yet
                return nul_refusal(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD"):
            return None
        # A body too large or malformed raises here what it would have raised in the view: Django answers 400.
        return nul_refusal(request) if body_has_nul(request) else None


TEXT_UPLOAD_SUFFIXES = (".csv", ".txt")


def body_has_nul(request) -> bool:
    """A NUL in a form's names or values, in an uploaded file's name or text, or anywhere in another body."""
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return b"\x00" in request.body
    if any("\x00" in name or any("\x00" in value for value in values) for name, values in request.POST.lists()):
        return True
    for name, uploads in request.FILES.lists():
        for upload in uploads:
            if "\x00" in name or "\x00" in (upload.name or ""):
                return True
            if upload_is_text(upload) and upload_has_nul(upload):
                return True
    return False


def upload_is_text(upload) -> bool:
    return (upload.content_type or "").startswith("text/") or (upload.name or "").lower().endswith(
        TEXT_UPLOAD_SUFFIXES
    )


def upload_has_nul(upload) -> bool:
    try:
        # Chunk by chunk, so that a large upload stays on disk (a NUL is one byte: no chunk boundary splits it).
        return any(b"\x00" in chunk for chunk in upload.chunks())
    finally:
        upload.seek(0)  # the view reads the file from its start


def nul_refusal(request):
    reason = _("Le texte envoyé contient un caractère invisible (un caractère nul) que le portail ne peut pas lire.")
    return render(request, "400.html", {"reason": reason}, status=400)


class AllowedMethodsMiddleware:
    """The portal's pages are read with GET (or HEAD) and its forms sent with POST: any other method is refused
    with 405 before a view runs. A function view would otherwise answer TRACE, OPTIONS or PUT as if it were a
    GET, page and all. OPTIONS is refused too rather than answered: the portal serves its own pages only (no
    cross-origin calls, so no preflight), and a 405 with Allow is true of every URL, where a 200 would have to
    list each URL's methods.

    The open API under /api/v1/ is the exception: each of its routes declares its methods (PUT, PATCH, DELETE
    among them) and django-ninja refuses the others itself with 405 and Allow."""

    ALLOWED = ("GET", "HEAD", "POST")
    OPEN_API_PATH = "/api/v1/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED and not request.path.startswith(self.OPEN_API_PATH):
            return HttpResponseNotAllowed(self.ALLOWED)
        return self.get_response(request)


class AdminInlineStylesMiddleware:
    """Django admin's bundled scripts (jQuery, select2, the date widgets) insert inline styles, which a strict
    policy refuses, breaking the staff's pages. On /admin/ only, styles may be inline; scripts stay as strict as
    everywhere, so injected markup can restyle a page, never run code. Placed after
    csp.middleware.CSPMiddleware, so that its mark is on the response before the header is built."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response


class PrivateByDefaultMiddleware:
    """`Cache-Control: private, no-store` (Django's never-cache headers) on every response, so that no shared
    computer's browser cache nor its Back button shows a page after sign-out, and no proxy keeps a copy.

    Everything is private unless it is one of the public pages below seen by a visitor without an account: a new
    page is private until someone decides otherwise, rather than public until someone remembers it is not. Pages
    a signed-in person sees are private whatever they are (the header carries their name), and so are the pages
    a tracking token opens. Static files never get here: WhiteNoise answers them first, with their long cache."""

    PUBLIC_PAGES = frozenset({
        "core:home", "core:legal_notice", "core:accessibility", "core:privacy", "core:commune_search",
        "requests:new", "associations:directory", "associations:public", "missions:list", "missions:detail",
        "volunteers:charter",
    })  # fmt: skip
    # The same for everyone, signed in or not, and versioned by its address: cached for a year.
    SHARED_ASSETS = frozenset({"core:brand_css"})
    # The open API's open data (api/public.py): the same JSON for everyone, token, session or none, answered with its
    # own `Cache-Control: public` when found; its errors stay private like everything else.
    OPEN_DATA = frozenset({
        "api-v1:public_mission_list", "api-v1:public_mission_detail",
        "api-v1:public_structure_list", "api-v1:public_structure_detail",
    })  # fmt: skip

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        # A form posted back with its errors shows what was typed in it (a name, a phone number): never public.
        if match is not None and match.view_name in self.SHARED_ASSETS:
            return response
        if match is not None and match.view_name in self.OPEN_DATA and response.status_code in (200, 304):
            return response
        public = request.method in ("GET", "HEAD") and match is not None and match.view_name in self.PUBLIC_PAGES
        if not public or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
