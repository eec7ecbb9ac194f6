from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.roles import POWERS


class Powers:
    """The powers of one user, for templates: `{% if powers.take_calls %}`. Each is asked when read."""

    def __init__(self, user):
        self.user = user

    def __getattr__(self, name: str) -> bool:
        power = POWERS.get(name)
        if power is None:
            raise AttributeError(name)
        return power(self.user)


def powers(request: HttpRequest) -> dict:
    """The signed-in user's powers (`accounts.roles`), for templates."""
    # A request refused before the authentication middleware (a NUL byte in the URL) has no user, and no power.
    user = request.user if hasattr(request, "user") else AnonymousUser()
    return {"powers": Powers(user)}
