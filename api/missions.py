"""The organisation's own missions, for its software: read them (drafts and closed ones included), create, change,
publish and close them, with the rules and the French messages of the organisation's own form in its space
(associations.forms.MissionForm, fed with the JSON) and the same services (associations.services).

A token reaches its organisation's missions only: another organisation's mission is a 404, as an unknown one is.
What volunteers applied is not given, only how many were accepted.
"""

from datetime import date, datetime

from django import forms
from django.conf import settings
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from api.auth import TokenAuth
from api.enums import Scope
from api.problems import Problem
from api.public import UNKNOWN_COMMUNE, PageInfo, PageQuery, page_info, paginate
from associations.enums import MissionStatus
from associations.forms import MissionForm
from associations.models import Association, Mission
from associations.services import AssociationError, mission_close, mission_publish
from core.enums import Domain
from core.models import Commune

router = Router(tags=["Missions"])

READ = TokenAuth(Scope.MISSIONS_READ)
WRITE = TokenAuth(Scope.MISSIONS_WRITE)


def max_length(name: str) -> int:
    return Mission._meta.get_field(name).max_length


def volunteers_range() -> str:
    limits = sorted(validator.limit_value for validator in Mission._meta.get_field("volunteers_needed").validators)
    return f"de {limits[0]} à {limits[-1]}"


# --- what is sent ------------------------------------------------------------------------------------------------


class MissionIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not silently ignored

    title: str = Field(description=f"Titre, {max_length('title')} caractères au plus.")
    domain: Domain = Field(description="Code du domaine : l'un de ceux que la structure a déclarés.")
    description: str = Field(description=f"Description, {max_length('description')} caractères au plus.")
    is_remote: bool = Field(False, description="Mission à distance (appels, aide aux devoirs…).")
    commune: str | None = Field(
        None, description="Code INSEE de la commune du département ; obligatoire sauf à distance.", examples=["54329"]
    )
    start_date: date = Field(description="Début (AAAA-MM-JJ).")
    end_date: date | None = Field(None, description="Fin (AAAA-MM-JJ), ou null sans date de fin ; pas dans le passé.")
    volunteers_needed: int = Field(1, description=f"Nombre de bénévoles recherchés, {volunteers_range()}.")
    skills: str = Field("", description=f"Compétences souhaitées, {max_length('skills')} caractères au plus.")
    schedule: str = Field("", description=f"Horaires, {max_length('schedule')} caractères au plus.")
    publish: bool = Field(
        False, description="true : la mission est publiée aussitôt créée ; sinon elle reste en brouillon."
    )


# Only the fields sent are changed; null empties a field that may be empty (commune, end_date).
class MissionPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    domain: Domain | None = None
    description: str | None = None
    is_remote: bool | None = None
    commune: str | None = Field(None, description="Code INSEE de la commune du département.")
    start_date: date | None = None
    end_date: date | None = None
    volunteers_needed: int | None = None
    skills: str | None = None
    schedule: str | None = None


class ApiMissionForm(MissionForm):
    """The organisation's own form, its rules and messages, with the commune given by its INSEE code: software
    knows it, where a name may be ambiguous and a postal code shared by several communes."""

    commune = forms.ModelChoiceField(
        queryset=Commune.objects.none(),
        required=False,
        to_field_name="insee",
        error_messages={"invalid_choice": UNKNOWN_COMMUNE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.in_departement(settings.TERRITORY)


def form_problem(form: forms.Form) -> Problem:
    return Problem(
        422,
        _("La mission n'a pas été enregistrée : voyez « errors », un message par champ."),
        slug="validation",
        errors=[{"field": field, "detail": " ".join(messages)} for field, messages in form.errors.items()],
    )


# --- what is answered ---------------------------------------------------------------------------------------------


class MissionOut(Schema):
    id: int = Field(description="Identifiant de la mission.", examples=[314])
    status: MissionStatus = Field(description="draft (brouillon), published (publiée) ou closed (close).")
    status_label: str = Field(description="Statut, en toutes lettres.", examples=["Brouillon"])
    title: str
    description: str
    domain: Domain
    domain_label: str = Field(examples=["Aide alimentaire et d'urgence"])
    is_remote: bool
    commune: str | None = Field(description="Code INSEE de la commune, ou null à distance.", examples=["54329"])
    commune_name: str | None = Field(description="Nom de la commune, ou null à distance.", examples=["Lunéville"])
    start_date: date
    end_date: date | None
    volunteers_needed: int
    accepted_applications: int = Field(description="Candidatures acceptées (les bénévoles ne sont pas nommés).")
    places_left: int = Field(description="Places encore libres.")
    skills: str
    schedule: str
    public_url: str | None = Field(description="Page publique de la mission, ou null tant qu'elle n'est pas publiée.")
    created_at: datetime
    published_at: datetime | None
    updated_at: datetime


class MissionPage(PageInfo):
    results: list[MissionOut]


class MissionQuery(PageQuery):
    status: MissionStatus | None = Field(None, description="Seulement les missions de ce statut.")


def own_missions(organisation: Association):
    return (
        Mission.objects.filter(association=organisation)
        .select_related("commune")
        .with_accepted_count()
        .order_by("-created_at", "-pk")
    )


def get_own_mission_or_404(organisation: Association, mission_id: int) -> Mission:
    """Another organisation's mission is not found, as an unknown one: a number tried says nothing of it."""
    mission = own_missions(organisation).filter(pk=mission_id).first()
    if mission is None:
        raise Problem(404, _("Aucune mission de votre structure ne porte ce numéro."))
    mission.association = organisation  # what the form and the services read, without a query
    return mission


def mission_data(mission: Mission) -> dict:
    public = mission.status == MissionStatus.PUBLISHED
    return {
        "id": mission.pk,
        "status": mission.status,
        "status_label": mission.get_status_display(),
        "title": mission.title,
        "description": mission.description,
        "domain": mission.domain,
        "domain_label": mission.get_domain_display(),
        "is_remote": mission.is_remote,
        "commune": mission.commune_id,
        "commune_name": mission.commune.name if mission.commune_id else None,
        "start_date": mission.start_date,
        "end_date": mission.end_date,
        "volunteers_needed": mission.volunteers_needed,
        "accepted_applications": mission.accepted_count,
        "places_left": max(0, mission.volunteers_needed - mission.accepted_count),
        "skills": mission.skills,
        "schedule": mission.schedule,
        "public_url": settings.SITE_URL + reverse("missions:detail", args=[mission.pk]) if public else None,
        "created_at": mission.created_at,
        "published_at": mission.published_at,
        "updated_at": mission.updated_at,
    }


def answer(organisation: Association, mission: Mission) -> dict:
    """The mission as stored, with its count of accepted applications."""
    return mission_data(get_own_mission_or_404(organisation, mission.pk))


# --- routes -------------------------------------------------------------------------------------------------------


@router.get(
    "/",
    auth=READ,
    response=MissionPage,
    summary="Lister ses missions",
    description="Les missions de la structure du jeton, brouillons et missions closes comprises, de la plus "
    "récente à la plus ancienne. Permission : `missions:read`.",
)
def mission_list(request, query: Query[MissionQuery]):
    missions = own_missions(request.auth.organisation)
    if query.status:
        missions = missions.filter(status=query.status)
    page = paginate(missions, query)
    filters = {"status": query.status.value if query.status else None}
    return {**page_info(request, page, filters), "results": [mission_data(mission) for mission in page]}


@router.post(
    "/",
    auth=WRITE,
    response={201: MissionOut},
    summary="Créer une mission",
    description="Crée une mission de la structure du jeton, en brouillon, ou publiée aussitôt avec "
    '`"publish": true`. Mêmes règles et mêmes messages que le formulaire de l\'espace de la structure ; des '
    "données invalides répondent 422, un message par champ dans `errors`. Permission : `missions:write`.",
)
def mission_create(request, payload: MissionIn):
    organisation = request.auth.organisation
    form = ApiMissionForm(payload.model_dump(exclude={"publish"}), instance=Mission(association=organisation))
    if not form.is_valid():
        raise form_problem(form)
    with transaction.atomic():
        mission = form.save()
        if payload.publish:
            mission_publish(mission=mission)
    return answer(organisation, mission)


@router.get(
    "/{int:mission_id}/",
    auth=READ,
    response=MissionOut,
    summary="Lire une de ses missions",
    description="Une mission de la structure du jeton, quel que soit son statut. La mission d'une autre "
    "structure répond 404, comme une mission inconnue. Permission : `missions:read`.",
)
def mission_detail(request, mission_id: int):
    return mission_data(get_own_mission_or_404(request.auth.organisation, mission_id))


@router.patch(
    "/{int:mission_id}/",
    auth=WRITE,
    response=MissionOut,
    summary="Modifier une de ses missions",
    description="Change les champs envoyés, et eux seuls, avec les règles du formulaire de la structure (le "
    "nombre de bénévoles recherchés ne descend pas sous celui des candidatures acceptées). Le statut ne change "
    "pas : voyez /publier/ et /clore/. Permission : `missions:write`.",
)
def mission_update(request, mission_id: int, payload: MissionPatch):
    organisation = request.auth.organisation
    mission = get_own_mission_or_404(organisation, mission_id)
    data = {**model_to_dict(mission, fields=ApiMissionForm._meta.fields), **payload.model_dump(exclude_unset=True)}
    form = ApiMissionForm(data, instance=mission)
    if not form.is_valid():
        raise form_problem(form)
    form.save()
    return answer(organisation, mission)


@router.post(
    "/{int:mission_id}/publier/",
    auth=WRITE,
    response=MissionOut,
    summary="Publier une de ses missions",
    description="Publie un brouillon ou republie une mission close : elle paraît sur la page publique "
    "/missions/ et dans les données ouvertes. Une mission déjà publiée répond 409. Permission : `missions:write`.",
)
def mission_publish_route(request, mission_id: int):
    organisation = request.auth.organisation
    mission = get_own_mission_or_404(organisation, mission_id)
    try:
        mission_publish(mission=mission)
    except AssociationError as refusal:  # already published: a state, not a field, is in the way
        raise Problem(409, str(refusal)) from None
    return answer(organisation, mission)


@router.post(
    "/{int:mission_id}/clore/",
    auth=WRITE,
    response=MissionOut,
    summary="Clore une de ses missions",
    description="Clôt la mission : elle quitte la page publique et les données ouvertes, les candidatures "
    "acceptées restent. Permission : `missions:write`.",
)
def mission_close_route(request, mission_id: int):
    organisation = request.auth.organisation
    mission = get_own_mission_or_404(organisation, mission_id)
    mission_close(mission=mission)
    return answer(organisation, mission)
