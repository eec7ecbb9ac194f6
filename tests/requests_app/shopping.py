"""Shopping advances in tests: a receipt photo, and a request done by a volunteer who advanced the money."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from matching.services import proposal_accept, proposal_create
from requests_app.advances import proposal_complete_with_advance
from requests_app.models import Advance, HelpRequest
from tests.notifications.messages import jeanne_s_request
from tests.volunteers.factories import VolunteerProfileFactory

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def receipt(name: str = "ticket.jpg", content: bytes = JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def accepted(help_request: HelpRequest | None = None, volunteer=None):
    """A live assignment of Jeanne's shopping (she chose SMS), or of the request given."""
    help_request = help_request or jeanne_s_request()
    if help_request.status == "new":
        help_request.triage()
    return proposal_accept(
        proposal=proposal_create(help_request=help_request, volunteer=volunteer or VolunteerProfileFactory())
    )


def advance_recorded(help_request: HelpRequest | None = None, amount: str = "23.40", volunteer=None) -> Advance:
    proposal = accepted(help_request, volunteer)
    proposal_complete_with_advance(
        proposal=proposal, report="Courses livrées.", concern=False, amount=Decimal(amount), receipt=receipt()
    )
    return Advance.objects.with_request().get(proposal=proposal)
