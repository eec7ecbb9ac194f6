"""What the proposal lifecycle tells the apps above it, inside the transaction of the change (receivers that write
messages write outbox rows, sent on commit). requests_app tells the requester (see its apps.py)."""

from django.dispatch import Signal

proposal_accepted = Signal()  # proposal=: a volunteer took the request in charge
proposal_completed = Signal()  # proposal=: the volunteer reported; proposal.concern says whether staff must follow up
