"""GET /api/v1/jeton/: what the calling token is, so that an integrator can check their setup in one call."""

from datetime import datetime

from ninja import Field, Router, Schema

from api.auth import TokenAuth

router = Router(tags=["Jeton"])


class OrganisationRef(Schema):
    id: int = Field(description="Identifiant de la structure sur le portail.", examples=[12])
    name: str = Field(description="Nom de la structure.", examples=["CCAS de Toul"])


class TokenInfo(Schema):
    name: str = Field(description="Nom donné au jeton à sa création.", examples=["Site de la mairie"])
    prefix: str = Field(description="Début du jeton, pour le reconnaître sans son secret.", examples=["e54_Xb3kP0qa"])
    scopes: list[str] = Field(description="Permissions du jeton.", examples=[["requests:write", "requests:read"]])
    organisation: OrganisationRef = Field(description="La structure au nom de laquelle le jeton appelle l'API.")
    created_at: datetime = Field(description="Date de création du jeton.")


@router.get(
    "/",
    auth=TokenAuth(),
    response=TokenInfo,
    summary="Vérifier son jeton",
    description="Renvoie le nom, les permissions et la structure du jeton utilisé. Aucune permission requise.",
)
def token_info(request):
    return request.auth
