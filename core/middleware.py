from django.conf import settings
from django.http import HttpResponseBadRequest
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
    """A NUL byte in a URL or a query parameter is never legitimate, and PostgreSQL refuses it in text:
    answer 400 at once rather than let any lookup fail with a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for values in request.GET.lists() for value in values[1])
        ):
            return HttpResponseBadRequest(_("Requête invalide."))
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

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        # A form posted back with its errors shows what was typed in it (a name, a phone number): never public.
        public = request.method in ("GET", "HEAD") and match is not None and match.view_name in self.PUBLIC_PAGES
        if not public or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
