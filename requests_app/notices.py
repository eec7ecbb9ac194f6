"""Who is told what about a help request: one function per event, each writing outbox rows in the caller's
transaction (notifications/outbox.py), so callers only say what happened.

Personal data of a beneficiary (name, address, phone, what they wrote) never goes into a message to anyone
but that beneficiary: organisations and staff are given a reference, a help type and a commune, and a link to
the page where their rights are checked.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from associations.enums import ApplicationStatus
from associations.models import Association
from core import hotline
from core.phones import mobile_number
from core.sms import fits_one_sms, gsm7_spelling, links_allowed
from notifications.enums import Event
from notifications.models import Notification
from notifications.outbox import (
    absolute_url,
    email_add,
    email_subject,
    render,
    sms_add,
    staff_email_add,
)
from requests_app.enums import WAITING_STATUSES, CallbackOrigin, ContactChannel, Status, Urgency
from requests_app.models import Callback, HelpRequest, callback_when


def _requester(event: Event, help_request, *, sms: bool = True, **extra) -> None:
    """The requester's choice of channel is honoured. Whoever gave an email address gets the written record
    with the tracking link there; an SMS goes only to someone who chose SMS (for someone without email, the
    only written channel); someone who chose a phone call gets no SMS: the hotline calls them."""
    context = {
        "help_request": help_request,
        # Whoever may have no internet reads the reference and the hotline's number in an SMS, never a link.
        "offline": help_request.offline,
        "hotline": hotline.number(),
        "tracking_url": absolute_url("requests:track", help_request.tracking_token),
        "short_tracking_url": absolute_url("requests:track_short", help_request.tracking_token),
        **extra,
    }
    channel = help_request.preferred_channel
    if help_request.requester_email:
        email_add(event, to=help_request.requester_email, context=context, help_request=help_request)
    if sms and channel == ContactChannel.SMS and help_request.requester_phone:
        sms_add(event, to=help_request.requester_phone, context=context, help_request=help_request)


# --- To the person who asked for help -------------------------------------------------------------------------


def request_received(help_request, *, callback=None) -> None:
    """Whoever asked online to be called back reads when to expect the call (agents say it on the phone).
    `callback` is the one the filing just scheduled, if any: a new request has no other."""
    if callback is not None and callback.origin != CallbackOrigin.CITIZEN:
        callback = None
    _requester(
        Event.REQUEST_RECEIVED,
        help_request,
        callback_when=callback_when(callback.preferred_slots) if callback else "",
    )


def request_taken(help_request) -> None:
    """A volunteer accepted the request, or an organisation was given it: someone will call. The organisation that
    filed it for the person is told too."""
    _requester(Event.REQUEST_TAKEN, help_request, association=help_request.routed_to)
    if help_request.filed_by_id is not None:
        partner_request_taken(help_request)


def request_done(help_request, *, sms: bool = True) -> None:
    """`sms` False when the SMS asking whether help arrived says it already (requests_app/arrival.py): one text.
    The organisation that filed it for the person is told too."""
    _requester(Event.REQUEST_DONE, help_request, sms=sms)
    if help_request.filed_by_id is not None:
        partner_request_done(help_request)


# --- To the organisation that filed the request for one of its residents (requests_app/partners.py) ------------


def _filing_organisation(event: Event, help_request, **extra) -> None:
    """The member who filed the request is told, while they belong to the organisation: they know the person, and
    in a service of many agents the others would learn to ignore news of residents not theirs. A request its
    software filed (the API), or whose author has left, is told to every member, so that no one's resident goes
    unfollowed. Every member sees every request filed in the organisation's space anyway. A suspended organisation
    hears no more: its pages are closed to it."""
    organisation = help_request.filed_by
    if not organisation.is_validated:
        return
    context = {
        "help_request": help_request,
        "organisation": organisation,
        "url": absolute_url("associations:filed_request", organisation.pk, help_request.reference),
        "hotline": hotline.number(),
        **extra,
    }
    author = help_request.created_by
    if author is not None and organisation.memberships.filter(user=author).exists():
        recipients = [author.email]
    else:
        recipients = organisation.member_emails()
    for address in recipients:
        email_add(event, to=address, context=context, help_request=help_request)


def partner_request_taken(help_request, *, responder: str = "") -> None:
    """A volunteer accepted the request (named by nothing but "un bénévole"), the département gave it to an
    organisation (named), or a responder outside the portal took it (`responder`, named). Given back to the
    organisation that filed it, the request is told as routed (request_routed), not as taken by itself."""
    association = help_request.routed_to if help_request.status == Status.ROUTED else None
    if association is not None and association.pk == help_request.filed_by_id:
        return
    _filing_organisation(Event.PARTNER_REQUEST_TAKEN, help_request, association=association, responder=responder)


def partner_request_done(help_request) -> None:
    _filing_organisation(Event.PARTNER_REQUEST_DONE, help_request)


# --- To organisations -----------------------------------------------------------------------------------------


def request_routed(help_request) -> None:
    association = help_request.routed_to
    context = {
        "help_request": help_request,
        "association": association,
        "url": absolute_url("associations:routed", association.pk, help_request.reference),
    }
    for address in association.member_emails():
        email_add(Event.REQUEST_ROUTED, to=address, context=context, help_request=help_request)


def daily_digests(now=None) -> int:
    """Each morning, to the members of each validated organisation with something waiting: pending
    applications to its missions and requests it holds. Nothing to say, no message."""
    now = now or timezone.now()
    associations = (
        Association.objects.validated()
        .annotate(
            pending_applications=Count(
                "missions__applications",
                filter=Q(missions__applications__status=ApplicationStatus.PENDING),
                distinct=True,
            ),
            held_requests=Count("routed_requests", filter=Q(routed_requests__status=Status.ROUTED), distinct=True),
        )
        .filter(Q(pending_applications__gt=0) | Q(held_requests__gt=0))
        .prefetch_related("memberships__user")
    )
    # A second run the same day (a redelivered task, beat restarted) sends nothing new: the subject names the
    # organisation, so (recipient, subject) identifies a digest already written today.
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    already = set(
        Notification.objects.filter(event=Event.DAILY_DIGEST, created_at__gte=start_of_day).values_list(
            "recipient", "subject"
        )
    )
    sent = 0
    for association in associations:
        context = {"association": association, "date": now, "url": absolute_url("associations:space", association.pk)}
        subject = email_subject(Event.DAILY_DIGEST, context)
        with transaction.atomic():  # all of an organisation's members, or none
            for membership in association.memberships.all():
                if (membership.user.email, subject) not in already:
                    sent += email_add(Event.DAILY_DIGEST, to=membership.user.email, context=context) is not None
    return sent


# --- To the département's staff -------------------------------------------------------------------------------


def urgent_unassigned_alert(now=None) -> int:
    """Urgent requests nobody has taken URGENT_ALERT_MINUTES after they were filed are signalled to staff,
    once per request: a person who asked for help today must not wait for tomorrow's triage round."""
    now = now or timezone.now()
    waiting = (
        HelpRequest.objects.filter(
            urgency=Urgency.URGENT,
            status__in=WAITING_STATUSES,
            created_at__lte=now - timedelta(minutes=settings.URGENT_ALERT_MINUTES),
        )
        .exclude(pk__in=Notification.objects.filter(event=Event.URGENT_UNASSIGNED).values("help_request"))
        .select_related("commune", "help_type")
        .order_by("created_at")
    )
    alerted = 0
    for help_request in waiting:
        context = {
            "help_request": help_request,
            "minutes": settings.URGENT_ALERT_MINUTES,
            "url": absolute_url("admin:requests_app_helprequest_change", help_request.pk),
        }
        with transaction.atomic():  # every staff member is alerted, or the next run tries again
            staff_email_add(Event.URGENT_UNASSIGNED, context=context, help_request=help_request)
        alerted += 1
    return alerted


def callback_unreachable(callback: Callback, attempts) -> None:
    """The callbacks ran out (or the number is wrong): the request now waits for staff, who are told why."""
    help_request = callback.help_request
    context = {
        "help_request": help_request,
        "attempts": attempts,
        "url": absolute_url("admin:requests_app_helprequest_change", help_request.pk),
    }
    staff_email_add(Event.CALLBACK_UNREACHABLE, context=context, help_request=help_request)


def callbacks_overdue_alert(now=None) -> int:
    """Callbacks still not made CALLBACK_OVERDUE_ALERT_MINUTES after they were due are signalled to staff, once per
    callback: someone who asked to be called must not wait for an agent to think of the list.

    A callback an agent is recording a try on at that moment is locked: it is skipped, and is not late any more."""
    now = now or timezone.now()
    with transaction.atomic():
        late = list(
            Callback.objects.open()
            .filter(
                due_at__lte=now - timedelta(minutes=settings.CALLBACK_OVERDUE_ALERT_MINUTES),
                overdue_alerted_at__isnull=True,
            )
            .select_related("help_request__commune", "help_request__help_type")
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("due_at")
        )
        for callback in late:
            context = {
                "help_request": callback.help_request,
                "callback": callback,
                "minutes": int((now - callback.due_at).total_seconds() // 60),
                "url": absolute_url("admin:requests_app_callback_changelist"),
            }
            staff_email_add(Event.CALLBACK_OVERDUE, context=context, help_request=callback.help_request)
        Callback.objects.filter(pk__in=[callback.pk for callback in late]).update(overdue_alerted_at=now)
    return len(late)


# --- To the people an organisation passes its requests to, and back to its members ------------------------------
# Neither the beneficiary's details nor what a member or the person wrote (it may name her): the reference, the
# help type, the commune, and the link to the page where the rights are checked.


def _assignment_context(assignment, url: str, **extra) -> dict:
    return {
        "assignment": assignment,
        "help_request": assignment.help_request,
        "association": assignment.association,
        "url": url,
        **extra,
    }


def organisation_assigned(assignment) -> None:
    context = _assignment_context(assignment, absolute_url("associations:assigned", assignment.help_request.reference))
    email_add(
        Event.ORGANISATION_ASSIGNED,
        to=assignment.assignee.email,
        context=context,
        help_request=assignment.help_request,
    )


def organisation_unassigned(assignment, reason) -> None:
    """The request is no longer theirs (`reason`: an AssignmentEnd): passed to someone else, taken back, done or
    handed back by a member. Their page of it is gone: the email points to their list."""
    context = _assignment_context(assignment, absolute_url("associations:assigned_list"), reason=reason)
    email_add(
        Event.ORGANISATION_UNASSIGNED,
        to=assignment.assignee.email,
        context=context,
        help_request=assignment.help_request,
    )


def _to_members_but_the_assignee(event: Event, assignment, url: str) -> None:
    association = assignment.association
    context = _assignment_context(assignment, url)
    for address in association.member_emails():
        if address != assignment.assignee.email:
            email_add(event, to=address, context=context, help_request=assignment.help_request)


def organisation_unable(assignment) -> None:
    """ "Je ne peux pas": the organisation still holds the request, someone must take it."""
    url = absolute_url("associations:routed", assignment.association_id, assignment.help_request.reference)
    _to_members_but_the_assignee(Event.ORGANISATION_UNABLE, assignment, url)


def organisation_done(assignment) -> None:
    """The request is closed: its page is gone, the link is the organisation's space."""
    url = absolute_url("associations:space", assignment.association_id)
    _to_members_but_the_assignee(Event.ORGANISATION_DONE, assignment, url)


# --- Hand-offs to responders outside the portal (requests_app/handoffs.py) --------------------------------------


def request_taken_by_responder(help_request, *, responder: str) -> None:
    """A responder outside the portal took the request: someone will call, as when an organisation is given it. The
    organisation that filed it for the person is told too."""
    _requester(Event.REQUEST_TAKEN, help_request, responder=responder)
    if help_request.filed_by_id is not None:
        partner_request_taken(help_request, responder=responder)


HAND_OFF_LINK_EVENTS = {"answer": Event.HANDOFF_SENT, "final": Event.HANDOFF_FOLLOW_UP}


def _responder(event: Event, hand_off, **extra) -> None:
    """To the responder: by email to its address, by SMS to its mobile number. Like every message to someone other
    than the person helped, no name, address, phone nor words of theirs: the page behind the link gives what the
    responder may know, when it may."""
    help_request = hand_off.help_request
    context = {
        "hand_off": hand_off,
        "help_request": help_request,
        "operator_name": settings.OPERATOR_NAME,
        "hotline": hotline.number(),
        # Said in the SMS when there is room (_room_for_the_link): the link matters more.
        "what": f"{help_request.help_type.name}, {help_request.commune.name}",
        **extra,
    }
    if hand_off.responder_email:
        email_add(event, to=hand_off.responder_email, context=context, help_request=help_request)
    if mobile := mobile_number(hand_off.responder_phone):
        sms_add(event, to=mobile, context=_room_for_the_link(event, context), help_request=help_request)


def _room_for_the_link(event: Event, context: dict) -> dict:
    """The help type and commune are left out of the SMS when they leave no room for its link: without the link, an
    SMS to a responder is of no use (the outbox would otherwise drop the link first)."""
    with_link = render(event, "sms.txt", {**context, "sms_links": True})
    if links_allowed() and not (fits_one_sms(with_link) or fits_one_sms(gsm7_spelling(with_link))):
        return {**context, "what": ""}
    return context


def hand_off_link(hand_off, *, link, token: str) -> None:
    """A link of the hand-off: the first (take it, or say it is impossible) or the one sent once taken (the person's
    contact details, "c'est fait")."""
    _responder(HAND_OFF_LINK_EVENTS[link.stage], hand_off, link=link, url=absolute_url("requests:handoff", token))


def hand_off_ended(hand_off) -> None:
    """The request is no longer the responder's (an agent took it back, it was cancelled): nothing to do."""
    _responder(Event.HANDOFF_ENDED, hand_off)


def _staff_about(event: Event, hand_off) -> None:
    help_request = hand_off.help_request
    context = {
        "hand_off": hand_off,
        "help_request": help_request,
        "hours": settings.HANDOFF_ANSWER_HOURS,
        "url": absolute_url("admin:requests_app_helprequest_change", help_request.pk),
    }
    staff_email_add(event, context=context, help_request=help_request)


def hand_off_unanswered(hand_off) -> None:
    """No answer HANDOFF_ANSWER_HOURS after the hand-off: staff call the responder, send the link again or take the
    request back."""
    _staff_about(Event.HANDOFF_UNANSWERED, hand_off)


def hand_off_declined(hand_off) -> None:
    """The responder cannot: the request waits for an agent. Its reason stays on the request's page: it may speak of
    the person."""
    _staff_about(Event.HANDOFF_DECLINED, hand_off)
