"""The API's version 1: the NinjaAPI instance, its description, and the routers mounted on it."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from api import help_requests, missions, public, tokens
from api.auth import TokenAuth
from api.parsers import UnicodeJSONParser
from api.problems import PROBLEM_TYPES, install_handlers, type_uri
from api.renderers import FrenchJSONRenderer

DESCRIPTION = """
L'API du portail d'entraide du département, pour les logiciels des structures partenaires (le site d'une
commune, le logiciel d'un service d'aide à domicile, une plateforme de bénévolat).

**Authentification.** Chaque appel porte l'en-tête `Authorization: Bearer <jeton>`. Un jeton est créé par un
administrateur de la structure dans son espace du portail (« Accès à l'API »), avec les permissions dont le
logiciel a besoin : `requests:write` (déposer des demandes), `requests:read` (suivre les demandes déposées),
`missions:write` (publier, modifier, clore des missions), `missions:read` (lire ses missions). Le jeton n'est
affiché qu'une fois ; il se révoque dans le même espace. Les données ouvertes (missions publiées, structures)
se lisent sans jeton.

**Limites.** Chaque jeton a droit à un nombre d'appels par minute ; au-delà, la réponse est 429 avec l'en-tête
`Retry-After` (secondes à attendre). Chaque appel fait avec un jeton est journalisé (structure, adresse, code
de réponse, date).

**Erreurs.** Toute erreur est un document « problem details » (RFC 9457, `application/problem+json`) en
français : `type`, `title`, `status`, `detail`, `instance`, et `errors` (un message par champ) pour des données
invalides. Les types propres à l'API :

{types}
"""


def description() -> str:
    types = "\n".join(f"- `{type_uri(slug)}` : {title}" for slug, title in PROBLEM_TYPES.items())
    return DESCRIPTION.format(types=types).strip()


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Une erreur, au format « problem details » (RFC 9457), en français.",
    "properties": {
        "type": {"type": "string", "description": "`about:blank`, ou le type propre à l'API (voir plus haut)."},
        "title": {"type": "string", "description": "Intitulé court du problème."},
        "status": {"type": "integer", "description": "Le code HTTP de la réponse."},
        "detail": {"type": "string", "description": "Ce qui s'est passé et que faire, pour cet appel."},
        "instance": {"type": "string", "description": "L'adresse appelée."},
        "errors": {
            "type": "array",
            "description": "Pour des données invalides : un message par champ (`__all__` pour l'ensemble).",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "detail": {"type": "string"}},
                "required": ["field", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
    "examples": [
        {
            "type": "urn:entraide:probleme:validation",
            "title": "Données invalides",
            "status": 422,
            "detail": "La demande n'a pas été enregistrée : corrigez les champs indiqués dans « errors ».",
            "instance": "/api/v1/demandes/",
            "errors": [{"field": "consent", "detail": "L'accord de la personne est nécessaire."}],
        }
    ],
}
# The errors every operation may answer with, by what it takes: a token, a body or parameters.
PROBLEM_RESPONSES = {
    "401": ("security", "Jeton absent, inconnu ou révoqué."),
    "403": ("security", "Le jeton n'a pas la permission, ou la structure n'y a pas droit."),
    "429": ("security", "Trop d'appels pour ce jeton : attendre le nombre de secondes de l'en-tête Retry-After."),
    "422": ("input", "Données invalides : un message par champ dans `errors`."),
}


class OpenApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """ninja's document, with the problem documents every operation may answer with."""
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                takes = {
                    "security": bool(operation.get("security")),
                    "input": "requestBody" in operation or bool(operation.get("parameters")),
                }
                for status, (condition, description) in PROBLEM_RESPONSES.items():
                    if takes[condition]:
                        operation["responses"][status] = {"description": description, "content": problem}
        return schema


api_v1 = OpenApi(
    title=str(_("API ouverte du portail d'entraide")),
    version="v1",
    description=description(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,  # the documentation page is /api/docs/ (api.urls), outside the versioned prefix
    auth=TokenAuth(),
    renderer=FrenchJSONRenderer(),
    parser=UnicodeJSONParser(),
)
install_handlers(api_v1)

api_v1.add_router("/jeton/", tokens.router)
api_v1.add_router("/demandes/", help_requests.router)
api_v1.add_router("/missions/", missions.router)
api_v1.add_router("/public/", public.router)
