"""What this app tells the apps above it."""

from django.dispatch import Signal

# Sent inside the transaction, before an organisation accepts an application, with application=. A receiver that
# knows a reason it may not be accepted raises AssociationError with it in French (portal.receivers: the volunteer's
# checks, which this app may not read).
application_accepting = Signal()
