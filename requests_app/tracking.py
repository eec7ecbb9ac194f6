"""The tracking page's body (status, next step, summary, history), drawn once per version of the request, and the
whole page around it for visitors without an account (`tracking_response`).

A person reloads their tracking page to see whether anything moved: most reloads find nothing new. The body is
kept in the cache under the token's digest (never the token: it opens the page), with the version of the request it
was drawn at. Any change the page shows saves the request or adds a history line, and both forget the version, at
once and again once the transaction commits (`tracking_forget`, connected in apps.py); the next visit draws the page
under a new version, so a visit that read the database just before a change can only store a body whose version no
one holds any more, and which the next visit draws again.

What changes requests in bulk (`QuerySet.update`, `bulk_create`) sends no signal and forgets their versions itself
(`tracking_forget_many`): the matching's batch moving requests to `proposed` (HelpRequestQuerySet.mark_proposed),
and the retention's anonymisation. The page shows nothing the anonymisation erases, but a closed request's page is
kept too (the person told it is done, or who cancelled, reloads it like any other), so forgetting it there keeps the
page exactly what is left of the request if the page ever shows more. The cancel form and its CSRF token are not
part of the body: the template draws them around it, and a page kept whole has its CSRF token put back for each
visitor (`page_cache.kept_response`).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core import page_cache
from requests_app.models import HelpRequest, StatusChange

CACHE_SECONDS = 24 * 3600
# A whole page weighs about five times its body: kept for the reloads of one visit, not for a day.
WHOLE_PAGE_SECONDS = 3600


@dataclass(frozen=True)
class TrackedPage:
    """What the tracking page needs of a request: its reference, whether it may be cancelled, and its body."""

    reference: str
    tracking_token: str
    can_be_cancelled: bool
    body: SafeString

    @classmethod
    def of(cls, help_request: HelpRequest, history=None) -> "TrackedPage":
        """`history`: the request's status changes in order, when they were read with it (else its own)."""
        history = help_request.status_changes.all() if history is None else history
        body = render_to_string("requests_app/_track_body.html", {"help_request": help_request, "history": history})
        return cls(help_request.reference, help_request.tracking_token, help_request.can_be_cancelled, mark_safe(body))


def _digest(token: str) -> str:
    return hashlib.sha256(f"tracking:{token}".encode()).hexdigest()[:32]


def _version_key(token: str) -> str:
    return f"tracking-version:v1:{_digest(token)}"


# Every page names its help type: renaming one (staff, in the admin) draws every page again.
GENERATION_KEY = "tracking-generation:v1"


def tracked_request(token: str) -> HelpRequest:
    """The only way to a request without an account: its tracking token. Anything else is a plain 404."""
    return get_object_or_404(
        HelpRequest.objects.select_related("help_type", "commune", "merged_into").prefetch_related("status_changes"),
        tracking_token=token,
    )


# The columns the page reads of a request, its help type, commune and the request it was merged into: whole rows of
# these four tables cost more to build and read than the page's query itself.
SHOWN_FIELDS = [
    "reference", "tracking_token", "status", "urgency", "preferred_slots", "created_at", "help_type__name",
    "commune__name", "commune__postal_codes", "merged_into__reference",
]  # fmt: skip
SHOWN_RELATIONS = ["help_type", "commune", "merged_into"]


def _shown_request(token: str) -> tuple[HelpRequest, list[StatusChange]]:
    """The request as its page shows it, with its history, in one query: read through its history lines, each joined
    to the request (a request has a line from its filing on; one without is read alone). Two queries, the request
    then its history, took a third more of the worker's time to read and draw the body (2.1 against 1.6 ms on the
    benchmark's database). Read-only: a change goes through `tracked_request`."""
    history = list(
        StatusChange.objects.filter(help_request__tracking_token=token)
        .select_related(*(f"help_request__{relation}" for relation in SHOWN_RELATIONS))
        .only("help_request_id", "to_status", "changed_at", *(f"help_request__{name}" for name in SHOWN_FIELDS))
    )
    if history:
        return history[0].help_request, history
    shown = HelpRequest.objects.select_related(*SHOWN_RELATIONS).only(*SHOWN_FIELDS)
    return get_object_or_404(shown, tracking_token=token), []


def tracked_page(request: HttpRequest, token: str) -> TrackedPage:
    """The page of the request with this token, from the cache when it holds the current version; Http404 if no
    request has it. The version, the generation and the kept page are read with the layout's parts
    (`page_cache.read_with_layout`, hence the HttpRequest): a reload costs one round trip to the cache."""
    keys = [_version_key(token), GENERATION_KEY, _page_key(token)]
    found = page_cache.read_with_layout(request, keys)
    version, generation, kept = (found.get(key) for key in keys)
    return _current(token, version, generation, kept)[0]


def tracking_response(request: HttpRequest, token: str, draw: Callable[[TrackedPage], HttpResponse]) -> HttpResponse:
    """The whole tracking page, `draw`n around its body (kept as `tracked_page` keeps it). For a visitor without an
    account, with no message waiting and no query string (`page_cache.servable`), the page is also kept whole for an
    hour, with the versions its body was drawn at and a digest of the layout it was drawn in
    (`page_cache.stamp_digest`): a reload then reads it in the same round trip as the versions and draws nothing, as
    a public page kept by the page cache. Drawing the layout around a kept body took two thirds of a reload. Anyone
    else (staff signed in, the person just told the request is cancelled) gets the layout drawn around the body."""
    keep_whole = page_cache.servable(request) and page_cache.without_query_string(request)
    keys = [_version_key(token), GENERATION_KEY, _page_key(token), _whole_key(token)]
    found = page_cache.read_with_layout(request, keys)
    version, generation, kept, whole = (found.get(key) for key in keys)
    stamp = page_cache.stamp_digest(request) if keep_whole else None
    # Kept pages and bodies always carry a version and a generation: one missing matches none.
    if keep_whole and whole is not None and whole[:3] == (version, generation, stamp):
        return page_cache.kept_response(request, whole[3])
    page, version, generation = _current(token, version, generation, kept)
    response = draw(page)
    if keep_whole and version is not None and page_cache.storable(request, response):
        kept_whole = (version, generation, stamp, page_cache.to_keep(response))
        page_cache.keep(_whole_key(token), kept_whole, WHOLE_PAGE_SECONDS, what="tracking page")
    return response


def _current(token: str, version, generation, kept) -> tuple[TrackedPage, str | None, str | None]:
    """The body kept at the current version and generation, or drawn again (`_drawn`); with the versions it is
    current at (None: drawn and not kept)."""
    if kept is not None and kept[:2] == (version, generation):
        return kept[2], version, generation
    return _drawn(token, version, generation)


def _drawn(token: str, version: str | None, generation: str | None) -> tuple[TrackedPage, str | None, str | None]:
    """The page drawn from the database and kept, with the version and generation it is kept at (None: not kept).

    A missing version is claimed before the database is read, never after: a change that commits meanwhile then
    forgets the claimed version, and the page drawn from the old row is kept under a version no one holds. Claimed
    after the read, it would outlive that change and serve the old page until the next one."""
    version = version or _claim(_version_key(token))
    generation = generation or _claim(GENERATION_KEY)
    try:
        help_request, history = _shown_request(token)
    except Http404:
        if version is not None:  # a mistyped or guessed token keeps nothing in the cache
            cache.delete(_version_key(token))
        raise
    page = TrackedPage.of(help_request, history)
    if version is None or generation is None:
        return page, None, None
    cache.set(_page_key(token), (version, generation, page), CACHE_SECONDS)
    return page, version, generation


def _claim(key: str) -> str | None:
    """A new version under `key`; None when another visit set one first, since it is not known whether that one
    was set before or after what this visit is about to read (the page is then drawn but not kept)."""
    claimed = uuid4().hex
    return claimed if cache.add(key, claimed, CACHE_SECONDS) else None


def _page_key(token: str) -> str:
    return f"tracking-page:v2:{_digest(token)}:{get_language()}"


def _whole_key(token: str) -> str:
    return f"tracking-whole:v1:{_digest(token)}:{get_language()}"


def tracking_forget(*, tracking_token: str) -> None:
    """The request changed: its next visit draws the page again. At once, for what this transaction reads next, and
    after the commit, for a visit that read the old row meanwhile and stored it under a version of its own."""
    if tracking_token:
        key = _version_key(tracking_token)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))


def tracking_forget_many(tracking_tokens: list[str]) -> None:
    """As `tracking_forget`, for requests changed in bulk (`QuerySet.update` sends no signal), in one round trip."""
    keys = [_version_key(token) for token in tracking_tokens if token]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def help_types_changed(sender, **kwargs) -> None:
    cache.delete(GENERATION_KEY)
    transaction.on_commit(lambda: cache.delete(GENERATION_KEY))


def help_request_changed(sender, *, instance: HelpRequest, created: bool = False, **kwargs) -> None:
    if created:  # filed in this transaction: nobody can have seen its page, so none is kept
        return
    tracking_forget(tracking_token=instance.tracking_token)


def history_changed(sender, *, instance, created: bool = False, **kwargs) -> None:
    if created and not instance.from_status:  # the first line, written with the request: no page kept yet
        return
    # The history line is saved beside its request, which is in memory: no query for the token.
    tracking_forget(tracking_token=instance.help_request.tracking_token)
