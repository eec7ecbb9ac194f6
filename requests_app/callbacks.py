"""Callbacks: the calls the hotline owes people. One is scheduled when a citizen asks online to be called back or an
agent promises a call on the console; agents record each try from the "Rappels" list or the request's page. A try
that does not reach the person moves the call CALLBACK_RETRY_MINUTES on, into the person's preferred slots; after
CALLBACK_MAX_ATTEMPTS such tries, or at once on a wrong number, the request goes to staff (`needs_staff`) with an
alert. The beat task that signals late callbacks is `requests_app.notices.callbacks_overdue_alert`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.slots import next_slot_start
from requests_app import notices
from requests_app.enums import FAILED_OUTCOMES, CallbackOutcome, CallbackState
from requests_app.models import Callback, CallbackAttempt, HelpRequest, TransitionNotAllowed


class CallbackClosed(Exception):
    """The callback was closed meanwhile (another agent reached the person, or gave up): nothing is recorded."""


@dataclass(frozen=True)
class CallbackPlan:
    """A call asked for by a form: at `due_at`, or when `slots` first allow (core.slots) if no time is given."""

    origin: str
    due_at: datetime | None = None
    slots: int = 0


@transaction.atomic
def callback_schedule(*, help_request: HelpRequest, plan: CallbackPlan, by=None, now=None) -> Callback:
    """Owes the person a call. A call already owed is moved to the new time rather than doubled.

    The request's row is locked so that two agents scheduling at once find each other's callback."""
    now = now or timezone.now()
    HelpRequest.objects.select_for_update(of=("self",)).only("pk").get(pk=help_request.pk)
    due_at = plan.due_at or next_slot_start(plan.slots, now)
    callback = help_request.callbacks.open().first()
    if callback is not None:
        callback.due_at, callback.preferred_slots = due_at, plan.slots or callback.preferred_slots
        callback.save(update_fields=["due_at", "preferred_slots"])
        return callback
    callback = Callback(
        help_request=help_request,
        due_at=due_at,
        preferred_slots=plan.slots,
        origin=plan.origin,
        created_by=by,
        created_at=now,
    )
    callback.full_clean()
    callback.save()
    return callback


def callback_retry_at(callback: Callback, now: datetime) -> datetime:
    """When to try again after a failed attempt: CALLBACK_RETRY_MINUTES later, in the person's slots."""
    return next_slot_start(callback.preferred_slots, now + timedelta(minutes=settings.CALLBACK_RETRY_MINUTES))


@transaction.atomic
def callback_attempt_record(*, callback: Callback, outcome: str, by=None, note: str = "", now=None) -> CallbackAttempt:
    """Records one try and what follows from it: reached, the callback is done; not reached, the call moves on, or
    staff take the request over once the tries run out.

    The callback's row is locked and read again: two agents recording at once are counted one after the other, and
    the second learns that the first closed it (CallbackClosed) instead of adding a try to a finished callback."""
    now = now or timezone.now()
    callback = Callback.objects.select_for_update(of=("self",)).select_related("help_request").get(pk=callback.pk)
    if not callback.is_open:
        raise CallbackClosed(
            _("Le rappel de la demande %(ref)s est déjà clos : %(state)s.")
            % {"ref": callback.help_request.reference, "state": callback.get_state_display()}
        )
    attempt = CallbackAttempt(callback=callback, outcome=outcome, by=by, note=note, at=now)
    attempt.full_clean()
    attempt.save()
    failed = callback.attempts.filter(outcome__in=FAILED_OUTCOMES).count()
    if outcome == CallbackOutcome.REACHED:
        callback.close(CallbackState.REACHED, at=now)
    elif outcome == CallbackOutcome.WRONG_NUMBER or failed >= settings.CALLBACK_MAX_ATTEMPTS:
        _hand_to_staff(callback, by=by, now=now)
    else:
        callback.reschedule(callback_retry_at(callback, now))
    return attempt


def _hand_to_staff(callback: Callback, *, by, now: datetime) -> None:
    """Nobody could be reached: staff find another way (another number, the person's relatives, a partner)."""
    callback.close(CallbackState.UNREACHABLE, at=now)
    attempts = list(callback.attempts.all())
    note = _("Personne injoignable au rappel : %(tries)s.") % {
        "tries": ", ".join(str(attempt.get_outcome_display()) for attempt in attempts)
    }
    try:
        callback.help_request.mark_needs_staff(by=by, note=note)
    except TransitionNotAllowed:
        pass  # already waiting for staff, or held by an organisation: the alert below is what matters
    notices.callback_unreachable(callback, attempts)


def callbacks_move(*, duplicate: HelpRequest, into: HelpRequest) -> None:
    """On a merge: a call owed on the duplicate is owed on the kept request, unless one is owed there already (the
    duplicate's then closes with it)."""
    HelpRequest.objects.select_for_update(of=("self",)).only("pk").get(pk=into.pk)
    if not into.callbacks.open().exists():
        duplicate.callbacks.open().update(help_request=into)
