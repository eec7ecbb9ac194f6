"""The admin of help requests: importing the modules registers their model admins."""

from requests_app.admin import advances, callbacks, filters, handoffs, inbox, records, triage  # noqa: F401
