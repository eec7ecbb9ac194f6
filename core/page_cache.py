"""Public pages kept whole in the cache for visitors without an account, and the versions that make them stale.

Drawing a public page (the layout, its header and footer, a form's widgets, twenty mission cards) costs many
times the response itself, and in a crisis most of the people who read these pages have no account. A page is
kept once per address, language and day, under a key that also holds:

- the version of each topic the page shows (`version`): whatever changes a topic (a mission edited, an
  organisation validated, a help type renamed, a crisis update published) gives it a new version once it is
  saved, so the next visitor gets a fresh page and the old copies are never read again;
- what every page shows in its layout, read as it is now: the hotline's number and hours, the urgent banner (its
  version, or nothing once its date has passed), and the settings the layout draws from. A change there shows on
  the very next page, without anyone bumping anything.

Never kept nor served: a signed-in visitor's page (it carries their name and their menu), a page with a flash
message, an answer other than a plain 200, a query string the page did not allow (`cacheable`). The CSRF token of
the header's language forms is stored as a placeholder and each visitor gets their own on the way out, valid for
their cookie. A cache that fails (Redis and its database fallback both down) only means the page is drawn again.
"""

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as memoize
from functools import wraps
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from core import hotline

logger = logging.getLogger(__name__)

# The topics pages depend on. A new topic is a name here and the signals that bump it, in the app that owns it.
MISSIONS = "missions"  # missions, their organisations, accepted applications
ORGANISATIONS = "organisations"  # organisations, the places they act in
HELP_TYPES = "help-types"  # core.HelpType, listed by the request form and named on missions
CRISIS = "crisis"  # the crisis page's sections and health rules

TIMEOUT = 10 * 60  # bounds the memory kept by old versions; a stale page is never read, whatever its age
VERSION_PREFIX = "page-version:"
PAGE_PREFIX = "page:"
CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"__csrf_token_of_the_visitor__"
# The settings public pages draw from (names, brand, territory, the hotline's default, the privacy notice's
# periods): an operator who changes one and restarts with the same release must not get yesterday's pages.
SHOWN_SETTINGS = (
    "PORTAL_NAME", "TERRITORY", "DEPARTEMENT_NAME", "HOTLINE_PHONE", "HOTLINE_HOURS", "OPERATOR_NAME",
    "OPERATOR_SHORT_NAME", "OPERATOR_LOGO", "OPERATOR_ADDRESS", "LEGAL_PUBLISHER", "PRIVACY_CONTACT", "BRAND_COLOR",
    "BRAND_TEXT_ON_COLOR", "BRAND_ACCENT_COLOR", "RETENTION_DAYS", "UNVERIFIED_ACCOUNT_DAYS", "ACCESS_LOG_DAYS",
    "STATIC_URL", "ROOT_URLCONF", "LANGUAGES",
)  # fmt: skip


def version(*topics: str) -> str:
    """The topics' current versions, one string; a topic never bumped (or forgotten by the cache) gets one now."""
    keys = [VERSION_PREFIX + topic for topic in topics]
    return _versions(keys, cache.get_many(keys))


def _versions(keys: list[str], found: dict) -> str:
    for key in keys:
        if key not in found:
            cache.add(key, uuid4().hex, None)
            found[key] = cache.get(key)  # whoever added first wins: every process uses the same version
    return ".".join(str(found[key]) for key in keys)


def bump(topic: str) -> None:
    """A new version now, for what follows in this transaction, and another once it commits: a visitor who read
    the rows just before the commit may have kept the old page under the first one.

    Random, not a counter: a counter lost from the cache could restart at a used value."""
    cache.set(VERSION_PREFIX + topic, uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(VERSION_PREFIX + topic, uuid4().hex, None), robust=True)


def bump_on_change(topic: str, *senders) -> None:
    """Bump `topic` whenever a row of one of `senders` is saved or deleted (or, for a many-to-many's table, a link
    added or removed). Called from the owning app's `ready()`."""
    for sender in senders:
        signals = (m2m_changed,) if sender._meta.auto_created else (post_save, post_delete)
        for signal in signals:
            signal.connect(
                _bumper(topic), sender=sender, weak=False, dispatch_uid=f"page-cache:{topic}:{sender._meta.label}"
            )


def _bumper(topic: str) -> Callable[..., None]:
    def receiver(**kwargs) -> None:
        if kwargs.get("action", "post_").startswith("post_"):  # a many-to-many change is sent before and after
            bump(topic)

    return receiver


@memoize
def settings_fingerprint() -> str:
    """What the shown settings are now, in one short string: part of every kept page's key, and of the layout's
    fragments (templates/includes/header.html, LAYOUT_VERSION)."""
    shown = repr([(name, getattr(settings, name, None)) for name in SHOWN_SETTINGS])
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def _settings_changed(**kwargs) -> None:
    settings_fingerprint.cache_clear()


setting_changed.connect(_settings_changed, dispatch_uid="page_cache_settings_fingerprint")


@dataclass(frozen=True)
class LayoutPart:
    """Something the layout of every page shows that staff may change at any moment, kept in the cache under
    `cache_key`: `text` describes the value found there (None when missing: it then reads it as pages do)."""

    cache_key: str
    text: Callable[[Any], str]


# core's hotline, and what apps above core add with `layout_part` (crisis its urgent banner: core cannot import it).
_layout_parts = [
    LayoutPart(hotline.CACHE_KEY, lambda found: "{0.phone}|{0.hours}".format(found or hotline.staff_set())),
]


def layout_part(cache_key: str, text: Callable[[Any], str]) -> None:
    _layout_parts.append(LayoutPart(cache_key, text))


def layout_found(request: HttpRequest) -> dict[str, Any]:
    """What the cache holds of the layout's parts for this request (core.hotline, crisis.banner: their context
    processors start from it), read once: by `key` or `read_with_layout` when the page reads the cache anyway,
    otherwise here, both parts in one round trip rather than one each."""
    if getattr(request, "_layout_found", None) is None:
        read_with_layout(request, [])
    return request._layout_found


def read_with_layout(request: HttpRequest, keys: list[str]) -> dict[str, Any]:
    """What the cache holds under `keys`, read in the same round trip as the layout's parts (`layout_found`): a page
    that reads the cache itself then pays one round trip, not two. Nothing found when the cache cannot be read:
    each part is then read on its own, as its module does when the cache misses."""
    layout_keys = [part.cache_key for part in _layout_parts]
    try:
        found = cache.get_many([*layout_keys, *keys])
    except Exception:
        logger.warning("Layout's parts unreadable from the cache", exc_info=True)
        found = {}
    request._layout_found = {name: found[name] for name in layout_keys if name in found}
    return {name: found[name] for name in keys if name in found}


def key(request: HttpRequest, topics: tuple[str, ...]) -> str:
    # The layout's parts and the topics' versions in one round trip to the cache: a cached page costs two.
    version_keys = [VERSION_PREFIX + topic for topic in topics]
    found = read_with_layout(request, version_keys)
    # `_versions` raises if the cache is down: the page is then drawn, not kept.
    stamped = f"{layout_stamp(request)}\n{_versions(version_keys, found)}"
    return PAGE_PREFIX + hashlib.sha256(stamped.encode()).hexdigest()


def layout_stamp(request: HttpRequest) -> str:
    """What a kept page depends on besides what it shows of the database: its address, language and day, the shown
    settings, and the layout's parts as `read_with_layout` found them for this request. A page kept under one stamp
    is served only under the same. In full: `stamp_digest` is what is stored beside a page."""
    parts = [
        request.get_host(),
        request.get_full_path(),
        get_language(),
        timezone.localdate().isoformat(),  # what ends or begins on a date (missions, health rules) is exact
        settings_fingerprint(),
        *(part.text(layout_found(request).get(part.cache_key)) for part in _layout_parts),
    ]
    return "\n".join(parts)


def servable(request: HttpRequest) -> bool:
    """Only a visitor without an account, with no message waiting, asking a page to read."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    return not len(get_messages(request))  # counting does not mark them read: the page still shows them


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """A plain page: nothing of the visitor's own (a cookie, a message added while drawing, a header of its own)."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and set(response.headers) <= {"Content-Type"}
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def keep(key: str, value: Any, timeout: int, *, what: str) -> None:
    """Keeps a page (`to_keep`, with what it was drawn at) under `key`: a cache that cannot take it only means the
    page is drawn again next time, never an error for the visitor."""
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("Page cache unwritable: %s not kept", what, exc_info=True)


def stamp_digest(request: HttpRequest) -> str:
    return hashlib.sha256(layout_stamp(request).encode()).hexdigest()


def to_keep(response: HttpResponse) -> tuple[str, bytes]:
    """What is kept of a `storable` response: its type, and its content with the visitor's CSRF token taken out."""
    return response["Content-Type"], CSRF_VALUE.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)


def kept_response(request: HttpRequest, page: tuple[str, bytes]) -> HttpResponse:
    """The response again from what `to_keep` kept of it, with this visitor's CSRF token."""
    content_type, content = page
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())  # sets the visitor's CSRF cookie
    return HttpResponse(content, content_type=content_type)


# Only what people really ask is kept: the filters a page's form offers and its first pages. Any other query string
# (made-up parameters, page 400) is drawn each time, so nobody can fill the cache with variants.
FIRST_PAGES = {"", "1", "2", "3"}


def without_query_string(request: HttpRequest) -> bool:
    """For `cacheable`, and the default: no query string at all (a made-up parameter must not make a copy)."""
    return not request.GET


def only_filters(*names: str) -> Callable[[HttpRequest], bool]:
    """For `cacheable`: a query string made of these filters and a first page, nothing else."""

    def cacheable(request: HttpRequest) -> bool:
        return set(request.GET) <= {*names, "page"} and request.GET.get("page", "") in FIRST_PAGES

    return cacheable


def cached_for_visitors(*topics: str, cacheable: Callable[[HttpRequest], bool] = without_query_string) -> Callable:
    """Keep the view's page for visitors without an account, stale as soon as one of `topics` changes.

    `cacheable` says which query strings are kept: by default none (a made-up parameter must not make a copy)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not servable(request) or not cacheable(request):
                return view(request, *args, **kwargs)
            try:
                page_key = key(request, topics)
                page = cache.get(page_key)
            except Exception:  # the page must not fail for its cache
                logger.warning("Page cache unreadable: %s drawn again", view.__name__, exc_info=True)
                return view(request, *args, **kwargs)
            if page is not None:
                return kept_response(request, page)
            response = view(request, *args, **kwargs)
            if storable(request, response):
                keep(page_key, to_keep(response), TIMEOUT, what=view.__name__)
            return response

        return wrapper

    return decorator
