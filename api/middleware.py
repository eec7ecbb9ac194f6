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
    SecurityMiddleware, so that it sees every answer the others give.

    HEAD is answered wherever GET is (RFC 9110; uptime checkers and importers use it): django-ninja's routes
    declare GET only, so the request goes through as a GET (the same routing, token check, rate count, status
    and headers) and its body is dropped; the call log still says HEAD. A route that takes no GET refuses it with
    405, as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PATH):
            return self.get_response(request)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            if head:
                request.method = "HEAD"
        if response.status_code == 301 and request.method not in ("GET", "HEAD"):
            # CommonMiddleware's APPEND_SLASH: after a 301, clients send a POST again as a GET, without its body, so
            # the request is not filed while the software, shown a list, thinks it is. A 308 keeps method and body.
            response.status_code = 308
        if response.status_code >= 400 and not is_problem(response):
            response = as_problem(request, response)
        api_token = getattr(request, "api_token", None)
        if api_token is not None:
            log_call(request, api_token, response.status_code)
        if head:
            drop_body(response)
        return response


def as_problem(request, response):
    """The same answer as a problem document, keeping the headers the other middleware set (Allow, the cache's
    no-store, the CSP) but the body's own."""
    problem = problem_response(request, response.status_code)
    for name, value in response.items():
        if name.lower() not in ("content-type", "content-length"):
            problem[name] = value
    return problem


def drop_body(response) -> None:
    """A HEAD's answer: the GET's status and headers (Content-Length included, as RFC 9110 allows), no body."""
    if response.streaming:
        response.streaming_content = []
    else:
        response.content = b""


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
