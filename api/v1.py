"""The API's version 1: the NinjaAPI instance, its description, and the routers mounted on it."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from api import missions, public, tokens
from api.auth import TokenAuth
from api.problems import PROBLEM_TYPES, install_handlers, type_uri


class FrenchJSONRenderer(JSONRenderer):
    # "Réception" rather than "R\u00e9ception": the same JSON, readable by whoever reads it in a terminal.
    json_dumps_params = {"ensure_ascii": False}


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


api_v1 = NinjaAPI(
    title=str(_("API ouverte du portail d'entraide")),
    version="v1",
    description=description(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,  # the documentation page is /api/docs/ (api.urls), outside the versioned prefix
    auth=TokenAuth(),
    renderer=FrenchJSONRenderer(),
)
install_handlers(api_v1)

api_v1.add_router("/jeton/", tokens.router)
api_v1.add_router("/missions/", missions.router)
api_v1.add_router("/public/", public.router)
