import logging

from django.db import DatabaseError

from api.models import ApiCall
from api.problems import is_problem, problem_response

logger = logging.getLogger(__name__)

API_PATH = "/api/v1/"


class ApiMiddleware:
    """Under /api/v1/, whatever answered: an error that is not yet a problem document becomes one (an unknown
    address, a method refused before the API saw it, a body refused by core's middleware, a 500), and a call
    made with a known token is written to the call log with its final status. First in MIDDLEWARE after
    SecurityMiddleware, so that it sees every answer the others give."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PATH):
            return response
        if response.status_code == 301 and request.method not in ("GET", "HEAD"):
            # CommonMiddleware's APPEND_SLASH: after a 301, clients send a POST again as a GET, without its body, so
            # the request is not filed while the software, shown a list, thinks it is. A 308 keeps method and body.
            response.status_code = 308
        if response.status_code >= 400 and not is_problem(response):
            response = as_problem(request, response)
        api_token = getattr(request, "api_token", None)
        if api_token is not None:
            log_call(request, api_token, response.status_code)
        return response


def as_problem(request, response):
    """The same answer as a problem document, keeping the headers the other middleware set (Allow, the cache's
    no-store, the CSP) but the body's own."""
    problem = problem_response(request, response.status_code)
    for name, value in response.items():
        if name.lower() not in ("content-type", "content-length"):
            problem[name] = value
    return problem


def log_call(request, api_token, status: int) -> None:
    try:
        ApiCall.objects.create(
            token=api_token,
            organisation_id=api_token.organisation_id,
            method=request.method[:10],
            path=request.path[:300],
            status=status,
        )
    except DatabaseError:
        # The answer is already decided (a request may have been filed): failing it now would make the caller
        # try again. The failure is logged for the operators.
        logger.exception("API call not logged: %s %s (token %s)", request.method, request.path, api_token.pk)
