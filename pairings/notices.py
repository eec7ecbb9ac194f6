"""Who is told what about a pairing. Each writes outbox rows in the caller's transaction (notifications.outbox).

Staff and the volunteer's reminders carry no beneficiary's personal data: a reference, a help type, a commune, a
weekday, and a link to the page where the reader's rights are checked. The beneficiary is told as requests_app's
notices tell a requester: her email if she gave one, an SMS if she chose SMS (without a link when she may have no
internet), and when she chose to be called, staff are asked to call her.
"""

from core import hotline
from notifications.enums import Event
from notifications.outbox import absolute_url, email_add, sms_add, staff_email_add
from pairings.enums import Side

CHANNEL_SMS, CHANNEL_PHONE = "sms", "phone"  # requests_app.enums.ContactChannel, which this app sits below


def _context(pairing, **extra) -> dict:
    return {
        "pairing": pairing,
        "help_request": pairing.help_request,
        "admin_url": absolute_url("admin:pairings_pairing_change", pairing.pk),
        **extra,
    }


# --- To the volunteer ----------------------------------------------------------------------------------------


def visit_missed(visit, pairing) -> None:
    """The day after a visit nobody confirmed: how did it go? Email, and an SMS when she gave a number."""
    volunteer = visit.volunteer
    context = _context(pairing, visit=visit, url=absolute_url("volunteers:pairing", pairing.pk))
    email_add(Event.VISIT_MISSED, to=volunteer.user.email, context=context, help_request=pairing.help_request)
    sms_add(Event.VISIT_MISSED, to=volunteer.phone, context=context, help_request=pairing.help_request)


def pairing_handed_over(pairing, volunteer) -> None:
    context = _context(pairing, volunteer_copy=True, handed_over=True, url=absolute_url("volunteers:dashboard"))
    email_add(Event.PAIRING_ENDED, to=volunteer.user.email, context=context, help_request=pairing.help_request)


# --- To staff ------------------------------------------------------------------------------------------------


def visit_concern(visit, pairing) -> None:
    # The volunteer's note may describe the person: staff read it on the pairing's page, not by email.
    staff_email_add(Event.VISIT_CONCERN, context=_context(pairing, visit=visit), help_request=pairing.help_request)


def pairing_alert(pairing, reason: str) -> None:
    """Two visits missed, or the person unreachable twice: staff check on her and follow the replacement."""
    staff_email_add(Event.PAIRING_ALERT, context=_context(pairing, reason=reason), help_request=pairing.help_request)


# --- To the beneficiary (and the volunteer when the change is not hers) -------------------------------------


def pairing_paused(pairing, side: str) -> None:
    _both_sides(Event.PAIRING_PAUSED, pairing, side)


def pairing_ended(pairing, side: str) -> None:
    _both_sides(Event.PAIRING_ENDED, pairing, side)


def _both_sides(event: Event, pairing, side: str) -> None:
    help_request = pairing.help_request
    context = _context(
        pairing,
        side=side,
        offline=help_request.offline,
        hotline=hotline.number(),
        tracking_url=absolute_url("requests:track", help_request.tracking_token),
    )
    if help_request.requester_email:
        email_add(event, to=help_request.requester_email, context=context, help_request=help_request)
    if help_request.preferred_channel == CHANNEL_SMS and help_request.requester_phone:
        sms_add(event, to=help_request.requester_phone, context=context, help_request=help_request)
    elif help_request.preferred_channel == CHANNEL_PHONE:
        # She asked to be called: no message reaches her, so staff are asked to tell her by phone.
        staff_email_add(Event.PAIRING_CALL, context={**context, "event": event}, help_request=help_request)
    volunteer = pairing.volunteer
    if side != Side.VOLUNTEER and volunteer is not None and pairing.proposal_id is not None:
        url = absolute_url("volunteers:dashboard")
        email_add(
            event, to=volunteer.user.email, context={**context, "volunteer_copy": True, "url": url},
            help_request=help_request,
        )  # fmt: skip
