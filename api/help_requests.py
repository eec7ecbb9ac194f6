"""/api/v1/demandes/: an organisation's software files help requests for residents and follows the ones it filed.

Filing goes through the public form's rules (api.forms.ApiHelpRequestForm, so the same checks and the same French
messages, mapped field by field to a 422 problem) and requests_app.services.help_request_create (reference, duplicate
flag, history, notices, matching), with the source "partner" and the token's organisation recorded (`filed_by`).
Reading answers only with the requests that organisation filed: another's reference is a 404, as an unknown one.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict

from api.auth import TokenAuth
from api.enums import Scope
from api.forms import ApiHelpRequestForm
from api.idempotency import idempotent
from api.problems import Problem
from core import ratelimit
from requests_app.enums import Source
from requests_app.models import HelpRequest, StatusChange
from requests_app.services import help_request_create

router = Router(tags=["Demandes d'aide"])

# What the public form requires, said in the OpenAPI document. The schema itself requires nothing, so that the form
# checks every field and words every message as it does on the public page.
REQUIRED = ["requester_name", "commune", "help_type", "description", "urgency", "preferred_channel", "consent"]


def document_required(schema: dict) -> None:
    schema["required"] = REQUIRED


class HelpRequestIn(Schema):
    """A request for help for a resident, as the public form takes it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=document_required)

    requester_relation: str | None = Field(
        None,
        description="Pour qui la demande est faite : `self` (la personne elle-même), `relative` (un proche), "
        "`neighbour` (un voisin), `professional` (un professionnel qui l'accompagne). Par défaut `self`.",
        examples=["professional"],
    )
    requester_name: str | None = Field(
        None, description="Nom et prénom de qui demande (120 caractères au plus).", examples=["Claire Martin"]
    )
    requester_phone: str | None = Field(
        None,
        description="Téléphone de qui demande, au format français ou international. Téléphone ou courriel : au "
        "moins l'un des deux.",
        examples=["06 12 34 56 78"],
    )
    requester_email: str | None = Field(
        None, description="Adresse électronique de qui demande.", examples=["claire.martin@exemple.fr"]
    )
    beneficiary_name: str | None = Field(
        None,
        description="Nom et prénom de la personne à aider, si ce n'est pas qui demande (obligatoire alors).",
        examples=["Germaine Petit"],
    )
    beneficiary_phone: str | None = Field(
        None, description="Téléphone de la personne à aider.", examples=["03 83 12 34 56"]
    )
    commune: str | None = Field(
        None,
        description="Commune de la personne à aider, dans le département : son nom ou son code postal, comme sur le "
        "formulaire public (pas le code INSEE).",
        examples=["Lunéville"],
    )
    address: str | None = Field(
        None,
        description="Adresse (facultative), transmise seulement à qui aidera.",
        examples=["12 rue de la République"],
    )
    help_type: str | None = Field(
        None,
        description="Code du type d'aide, dans le catalogue du portail : par défaut `shopping` (courses), "
        "`medicine` (médicaments), `meal_delivery` (livraison de repas), `phone_call` (appels de convivialité), "
        "`homework_help` (aide aux devoirs à distance), `childcare` (garde d'enfants), `food_parcel` (colis "
        "alimentaire), `other` (autre besoin).",
        examples=["shopping"],
    )
    description: str | None = Field(
        None,
        description="Le besoin en quelques phrases (2000 caractères au plus) : ce qu'il faut, quand, toute précision "
        "utile. Lu par qui aidera, une fois la demande acceptée.",
        examples=["Courses alimentaires pour la semaine, une dizaine d'articles ; sonner deux fois."],
    )
    volunteer_summary: str | None = Field(
        None,
        description="Ce que le bénévole peut savoir avant d'accepter (300 caractères au plus), sans nom, adresse ni "
        "téléphone.",
        examples=["Courses pour une personne âgée, une dizaine d'articles, le mardi matin"],
    )
    urgency: int | None = Field(
        None,
        description="Urgence : `1` aujourd'hui ou demain, `2` dans la semaine, `3` pas pressé.",
        examples=[2],
    )
    lives_alone: bool | None = Field(None, description="La personne vit seule.", examples=[True])
    aged_70_plus: bool | None = Field(None, description="La personne a 70 ans ou plus.", examples=[True])
    has_disability: bool | None = Field(None, description="La personne est en situation de handicap.")
    no_internet: bool | None = Field(None, description="La personne n'a pas accès à internet.", examples=[True])
    days: list[int] | None = Field(
        None,
        description="Jours qui conviennent, de `0` (lundi) à `6` (dimanche). Aucun : n'importe quel jour.",
        examples=[[1, 3]],
    )
    periods: list[int] | None = Field(
        None,
        description="Moments de la journée : `0` matin, `1` après-midi, `2` soir. Aucun : à tout moment.",
        examples=[[0]],
    )
    recurring_day: int | None = Field(
        None,
        description="Pour une aide chaque semaine : le jour, de `0` (lundi) à `6` (dimanche), et `recurring_period`.",
    )
    recurring_period: int | None = Field(
        None, description="Pour une aide chaque semaine : le moment, `0` matin, `1` après-midi, `2` soir."
    )
    preferred_channel: str | None = Field(
        None,
        description="Comment qui demande est tenu informé : `sms` (portable requis), `email`, ou `phone` (un agent "
        "rappelle, aux moments de `callback_periods`).",
        examples=["sms"],
    )
    callback_periods: list[int] | None = Field(
        None,
        description="Avec `preferred_channel` à `phone` : moments où rappeler (`0`, `1`, `2`). Aucun : à tout moment.",
    )
    consent: bool | None = Field(
        None,
        description="`true` : la personne a donné son accord pour que ces informations soient traitées par le "
        "département pour organiser l'aide. Sans cet accord, rien n'est enregistré.",
        examples=[True],
    )


class CommuneOut(Schema):
    insee: str = Field(description="Code INSEE de la commune.", examples=["54329"])
    name: str = Field(description="Nom de la commune.", examples=["Lunéville"])


class HistoryLine(Schema):
    status: str = Field(description="Statut atteint.", examples=["new"])
    label: str = Field(description="Le statut, en français.", examples=["Reçue"])
    at: datetime = Field(description="Date et heure du changement.")


class HelpRequestOut(Schema):
    """A request the organisation filed: where it stands. No personal data: the organisation has what it sent."""

    reference: str = Field(
        description="Référence de la demande, à rappeler au département.", examples=["E54-7K3Q-9PXD"]
    )
    status: str = Field(
        description="Statut : `new`, `triaged`, `proposed`, `assigned`, `routed`, `needs_staff`, `done`, `cancelled`.",
        examples=["new"],
    )
    status_label: str = Field(description="Le statut, en français.", examples=["Reçue"])
    next_step: str = Field(
        description="La suite, en français.",
        examples=["Un agent du département va étudier votre demande, en général dans la journée."],
    )
    help_type: str = Field(description="Code du type d'aide.", examples=["shopping"])
    commune: CommuneOut
    urgency: int = Field(description="Urgence : 1 aujourd'hui ou demain, 2 dans la semaine, 3 pas pressé.")
    created_at: datetime = Field(description="Date et heure du dépôt.")
    status_changed_at: datetime = Field(description="Date et heure du dernier changement de statut.")
    history: list[HistoryLine] = Field(description="Les changements de statut, du plus ancien au plus récent.")

    @staticmethod
    def resolve_status_label(help_request: HelpRequest) -> str:
        return help_request.get_status_display()

    @staticmethod
    def resolve_next_step(help_request: HelpRequest) -> str:
        return str(help_request.next_step)

    @staticmethod
    def resolve_help_type(help_request: HelpRequest) -> str:
        return help_request.help_type.code

    @staticmethod
    def resolve_history(help_request: HelpRequest) -> list[dict]:
        return [
            {"status": change.to_status, "label": change.get_to_status_display(), "at": change.changed_at}
            for change in help_request.status_changes.all()
        ]


def filed_requests(organisation):
    history = StatusChange.objects.order_by("changed_at", "pk")
    return (
        HelpRequest.objects.filter(filed_by=organisation)
        .select_related("help_type", "commune")
        .prefetch_related(Prefetch("status_changes", queryset=history))
    )


IDEMPOTENCY_KEY_DESCRIPTION = (
    "Une clé choisie par le logiciel pour ce dépôt (par exemple un UUID), 255 caractères au plus. Renvoyer la même "
    "requête avec la même clé, après une coupure réseau, renvoie la première réponse sans rien déposer de nouveau ; "
    "la même clé avec un autre contenu est refusée (422). Les clés sont gardées "
    f"{settings.IDEMPOTENCY_KEY_HOURS} heures, pour chaque jeton."
)


@router.post(
    "/",
    auth=TokenAuth(Scope.REQUESTS_WRITE),
    response={201: HelpRequestOut},
    summary="Déposer une demande pour un habitant",
    description="Dépose une demande d'aide au nom de la structure du jeton, pour une personne qui a donné son "
    "accord. Mêmes champs, mêmes règles et mêmes messages que le formulaire public ; chaque champ invalide a son "
    "message dans `errors` (422). Réservé aux communes et CCAS, services d'aide à domicile et services du "
    "département. La personne reçoit l'accusé de réception habituel (SMS ou courriel) avec la référence.",
)
def help_request_file(
    request,
    payload: HelpRequestIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_KEY_DESCRIPTION),
):
    organisation = request.auth.organisation
    if not organisation.is_partner:
        raise Problem(
            403,
            _(
                "Seules les communes et CCAS, les services d'aide à domicile et les services du département déposent "
                "des demandes pour les personnes qu'ils accompagnent. Une association passe par le formulaire public "
                "ou l'accueil téléphonique."
            ),
            slug="structure-non-autorisee",
        )
    body = payload.model_dump(exclude_unset=True)
    return idempotent(request, idempotency_key, body, lambda: file_request(request, body))


def file_request(request, body: dict) -> tuple[int, dict, dict]:
    form = ApiHelpRequestForm.from_json(body)
    if not form.is_valid():
        raise Problem(
            422,
            _("La demande n'a pas été enregistrée : corrigez les champs indiqués dans « errors »."),
            slug="validation",
            errors=[
                {"field": field, "detail": " ".join(str(message) for message in messages)}
                for field, messages in form.errors.items()
            ],
        )
    # The public form's limit per phone number and per address: a token, however busy, cannot flood one person.
    if not ratelimit.allow_each("request-form-contact", form.contacts(), settings.RATE_LIMIT_REQUEST_FORM_CONTACT):
        raise Problem(
            429,
            _("Trop de demandes ont déjà été déposées aujourd'hui avec ce téléphone ou cette adresse électronique."),
            slug="trop-de-requetes",
        )
    help_request = form.build()
    help_request.source = Source.PARTNER
    help_request.filed_by = request.auth.organisation
    help_request.consent_at = timezone.now()
    help_request = help_request_create(help_request=help_request, callback=form.callback_plan())
    filed = filed_requests(request.auth.organisation).get(pk=help_request.pk)
    location = reverse("api-v1:help_request_detail", kwargs={"reference": filed.reference})
    return 201, HelpRequestOut.from_orm(filed).model_dump(), {"Location": location}


class FiledRequestsPagination(PageNumberPagination):
    """ninja's pages, with a last page number that PostgreSQL can still skip to (its OFFSET is a bigint)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="Numéro de la page, à partir de 1.")
        page_size: int | None = Field(None, ge=1, description="Demandes par page : 50 par défaut, 100 au plus.")


@router.get(
    "/",
    auth=TokenAuth(Scope.REQUESTS_READ),
    response=list[HelpRequestOut],
    summary="Lister les demandes déposées par la structure",
    description="Les demandes que la structure du jeton a déposées, les plus récentes d'abord, par pages de 50 "
    "(`?page=2`). Jamais celles d'une autre structure.",
)
@paginate(FiledRequestsPagination, page_size=50)
def help_request_list(request):
    return filed_requests(request.auth.organisation).order_by("-created_at", "-pk")


@router.get(
    "/{reference}/",
    auth=TokenAuth(Scope.REQUESTS_READ),
    response=HelpRequestOut,
    summary="Suivre une demande déposée par la structure",
    description="Le statut, l'historique et la suite d'une demande que la structure du jeton a déposée. La "
    "référence d'une demande d'une autre structure répond 404, comme une référence inconnue.",
)
def help_request_detail(request, reference: str):
    help_request = filed_requests(request.auth.organisation).filter(reference=reference.strip().upper()).first()
    if help_request is None:
        raise Problem(404, _("Aucune demande déposée par votre structure n'a cette référence."))
    return help_request
