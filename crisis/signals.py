"""What crisis tells the apps above it. Sent once the publication has committed."""

from django.dispatch import Signal

health_rules_published = Signal()  # rules=: a new version of the health rules volunteers follow
