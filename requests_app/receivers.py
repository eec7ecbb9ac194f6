"""The requester is told when the matching's proposals take their request in charge or finish it (the matching,
below this app, reports these through its signals)."""

from django.dispatch import receiver

from matching.signals import proposal_accepted, proposal_completed
from requests_app import notices


@receiver(proposal_accepted, dispatch_uid="requests_app_taken_by_a_volunteer")
def taken_by_a_volunteer(sender, *, proposal, **kwargs) -> None:
    notices.request_taken(proposal.help_request)


@receiver(proposal_completed, dispatch_uid="requests_app_done_by_a_volunteer")
def done_by_a_volunteer(sender, *, proposal, **kwargs) -> None:
    if not proposal.concern:  # a concern keeps the request open, with staff: nothing is over for the requester
        notices.request_done(proposal.help_request)
