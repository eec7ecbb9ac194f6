"""Every error of the API is an RFC 9457 problem document, in French, served as `application/problem+json`:

    {"type": "urn:entraide:probleme:validation", "title": "Données invalides", "status": 422,
     "detail": "…", "instance": "/api/v1/demandes/", "errors": [{"field": "requester_phone", "detail": "…"}]}

`type` is `about:blank` when the status says it all (404, 405, 500), and a stable URN for the API's own problems
(PROBLEM_TYPES, listed in the API's description), which software may test. Raise `Problem` from a route or from
authentication; ninja's own errors (authentication, validation of the body, 404) come here through the handlers
installed by `install_handlers`, and errors that never reach ninja (an unknown address under /api/v1/, a method
refused by core's middleware, a 500) are rewritten by api.middleware.
"""

import json
import logging
from http import HTTPStatus

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"

# The titles of the statuses the API answers with, when the problem has no type of its own.
STATUS_TITLES = {
    400: gettext_lazy("Requête incorrecte"),
    401: gettext_lazy("Authentification requise"),
    403: gettext_lazy("Accès refusé"),
    404: gettext_lazy("Ressource introuvable"),
    405: gettext_lazy("Méthode non autorisée"),
    406: gettext_lazy("Format de réponse non disponible"),
    409: gettext_lazy("Conflit"),
    413: gettext_lazy("Requête trop volumineuse"),
    415: gettext_lazy("Format de requête non pris en charge"),
    422: gettext_lazy("Données invalides"),
    429: gettext_lazy("Trop de requêtes"),
    500: gettext_lazy("Erreur interne"),
    503: gettext_lazy("Service indisponible"),
}

STATUS_DETAILS = {
    400: gettext_lazy("La requête n'a pas pu être lue : son corps doit être un objet JSON valide, en UTF-8."),
    401: gettext_lazy(
        "Ajoutez l'en-tête « Authorization: Bearer <jeton> » avec un jeton valide, créé par un administrateur de "
        "votre structure dans son espace."
    ),
    403: gettext_lazy("Ce jeton ne permet pas cette opération."),
    404: gettext_lazy("Aucune ressource ne correspond à cette adresse."),
    405: gettext_lazy("Cette adresse n'accepte pas cette méthode HTTP."),
    500: gettext_lazy("Une erreur inattendue est survenue de notre côté ; réessayez plus tard."),
}

# The API's own problem types: the slug after `urn:entraide:probleme:`, and its title.
PROBLEM_TYPES = {
    "validation": gettext_lazy("Données invalides"),
    "jeton-invalide": gettext_lazy("Jeton absent, inconnu ou révoqué"),
    "permission-manquante": gettext_lazy("Permission manquante"),
    "structure-non-autorisee": gettext_lazy("Structure non autorisée"),
    "trop-de-requetes": gettext_lazy("Trop de requêtes"),
    "cle-idempotence-reutilisee": gettext_lazy("Clé d'idempotence déjà utilisée pour une autre requête"),
}


def type_uri(slug: str) -> str:
    return f"urn:entraide:probleme:{slug}"


class Problem(Exception):
    """An error answered as a problem document. `slug` names one of PROBLEM_TYPES; without it the status's own
    title is used. `errors` is a list of {"field", "detail"}; `headers` are added to the response."""

    def __init__(self, status: int, detail: str = "", *, slug: str = "", errors=None, headers=None):
        self.status, self.detail, self.slug = status, detail, slug
        self.errors, self.headers = errors, headers or {}
        super().__init__(status, detail)


def problem_response(
    request: HttpRequest, status: int, detail: str = "", *, slug: str = "", errors=None, headers=None
) -> HttpResponse:
    title = PROBLEM_TYPES[slug] if slug else STATUS_TITLES.get(status, HTTPStatus(status).phrase)
    document = {
        "type": type_uri(slug) if slug else "about:blank",
        "title": str(title),
        "status": status,
        "detail": detail or str(STATUS_DETAILS.get(status, title)),
        "instance": request.path,
    }
    if errors is not None:
        document["errors"] = errors
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), status=status, content_type=f"{CONTENT_TYPE}; charset=utf-8"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_problem(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith(CONTENT_TYPE)


# --- ninja's validation errors, in French, one message per field --------------------------------------------------

PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("Ce champ est obligatoire."),
    "string_type": gettext_lazy("Une chaîne de caractères est attendue."),
    "bool_type": gettext_lazy("La valeur doit être true ou false."),
    "bool_parsing": gettext_lazy("La valeur doit être true ou false."),
    "int_type": gettext_lazy("Un nombre entier est attendu."),
    "int_parsing": gettext_lazy("Un nombre entier est attendu."),
    "int_from_float": gettext_lazy("Un nombre entier est attendu."),
    "list_type": gettext_lazy("Une liste est attendue."),
    "dict_type": gettext_lazy("Un objet JSON est attendu."),
    "model_type": gettext_lazy("Un objet JSON est attendu."),
    "model_attributes_type": gettext_lazy("Un objet JSON est attendu."),
    "json_invalid": gettext_lazy("Le corps de la requête n'est pas un JSON valide."),
    "enum": gettext_lazy("Cette valeur ne fait pas partie des valeurs possibles."),
    "literal_error": gettext_lazy("Cette valeur ne fait pas partie des valeurs possibles."),
    "string_too_long": gettext_lazy("Ce texte est trop long."),
    "string_too_short": gettext_lazy("Ce texte est trop court."),
    "greater_than_equal": gettext_lazy("Cette valeur est trop petite."),
    "less_than_equal": gettext_lazy("Cette valeur est trop grande."),
    "date_parsing": gettext_lazy("Une date au format AAAA-MM-JJ est attendue."),
    "date_from_datetime_parsing": gettext_lazy("Une date au format AAAA-MM-JJ est attendue."),
    "datetime_parsing": gettext_lazy("Une date et une heure au format ISO 8601 sont attendues."),
    "datetime_from_date_parsing": gettext_lazy("Une date et une heure au format ISO 8601 sont attendues."),
    "extra_forbidden": gettext_lazy("Ce champ n'existe pas."),
}
# Where ninja says the value was read from: the first elements of `loc`, which are not field names.
LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def field_errors(errors: list[dict]) -> list[dict]:
    """ninja's list of pydantic errors as the API's `errors`: the field's name (dotted for a nested one, without
    the location and the parameter's name), one French message per field."""
    by_field: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in LOCATIONS:
            # ("body", "payload", "phone"): the parameter's name comes second for a body, never for a query
            loc = loc[2:] if loc[0] == "body" and len(loc) > 1 else loc[1:]
        field = ".".join(loc) or "__all__"
        message = PYDANTIC_MESSAGES.get(error.get("type", ""), gettext_lazy("Cette valeur n'est pas valide."))
        by_field.setdefault(field, str(message))
    return [{"field": field, "detail": detail} for field, detail in by_field.items()]


# --- handlers -----------------------------------------------------------------------------------------------------


def install_handlers(api) -> None:
    api.add_exception_handler(Problem, on_problem)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(RawPostDataException, on_form_body)
    api.add_exception_handler(Exception, on_unexpected)


def on_problem(request, exc: Problem):
    return problem_response(request, exc.status, exc.detail, slug=exc.slug, errors=exc.errors, headers=exc.headers)


def on_validation_error(request, exc: ValidationError):
    return problem_response(
        request,
        422,
        _("Certaines données envoyées ne sont pas valides : voyez « errors », un message par champ."),
        slug="validation",
        errors=field_errors(exc.errors),
    )


def on_authentication_error(request, exc: AuthenticationError):
    return problem_response(
        request, 401, str(STATUS_DETAILS[401]), slug="jeton-invalide", headers={"WWW-Authenticate": "Bearer"}
    )


def on_http_error(request, exc: HttpError):
    # ninja's own HttpError carries an English message ("Cannot parse request body"): the status's French text
    # is given instead.
    return problem_response(request, exc.status_code)


def on_not_found(request, exc: Http404):
    return problem_response(request, 404)


def on_form_body(request, exc: RawPostDataException):
    # A multipart form's body is read by core's middleware as a stream (RejectNulBytesMiddleware), so it cannot be
    # read again as JSON: a form sent instead of JSON, which no route takes.
    detail = _("Le corps de la requête doit être un objet JSON, envoyé avec « Content-Type: application/json ».")
    return problem_response(request, 415, detail)


def on_unexpected(request, exc: Exception):
    logger.exception("Unexpected error in the API on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(request, 500)
