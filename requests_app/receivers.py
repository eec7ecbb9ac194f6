"""The requester is told when the matching's proposals take their request in charge or finish it (the matching,
below this app, reports these through its signals); an SMS a person sends the portal is acted on (the
notifications app, below this one, stores it and hands it on through its signal)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from matching.signals import proposal_accepted, proposal_completed
from notifications.inbound import sms_received
from requests_app import arrival, handoffs, notices, sms_replies
from requests_app.enums import Status
from requests_app.models import StatusChange


@receiver(proposal_accepted, dispatch_uid="requests_app_taken_by_a_volunteer")
def taken_by_a_volunteer(sender, *, proposal, **kwargs) -> None:
    notices.request_taken(proposal.help_request)


@receiver(proposal_completed, dispatch_uid="requests_app_done_by_a_volunteer")
def done_by_a_volunteer(sender, *, proposal, **kwargs) -> None:
    # A concern keeps the request open, with staff: nothing is over for the requester. A regular help that ends is
    # told by the pairings app, in its own words (pairings.notices.pairing_ended): no "did help arrive?" then.
    if not proposal.concern and not proposal.help_request.is_recurring:
        arrival.request_done(proposal.help_request)


@receiver(sms_received, dispatch_uid="requests_app_sms_replies")
def sms_replied(sender, *, inbound, **kwargs) -> None:
    """An SMS a person sent: read, acted on, answered, or left to staff (sms_replies.py)."""
    sms_replies.act(inbound)


@receiver(post_save, sender=StatusChange, dispatch_uid="requests_app_hand_offs_end")
def hand_offs_end_when_the_request_leaves(sender, *, instance, created, **kwargs) -> None:
    """A request handed to a responder outside the portal that leaves `routed` other than by the responder's answer
    (an agent takes it back or triages it again, it is cancelled or merged): the hand-off ends (handoffs.py)."""
    if created and instance.from_status == Status.ROUTED and instance.to_status != Status.ROUTED:
        handoffs.hand_offs_end(instance.help_request, now=instance.changed_at)
