"""Open data: the published missions and the validated organisations, for anyone to import without a token (a
commune's website, the State's volunteering platform), under the licence of settings.OPEN_DATA_LICENCE.

What these routes show is what the public pages show (`/missions/`, `/associations/annuaire/<id>/`), never more: no
member, no contact person, no token, and not the contact address that the directory page shows, as what is open data
may be republished by anyone.

Each answer is the same for everyone: it is rendered once and kept in the portal's cache (core.cache: Redis, the
database while Redis is down) under the version of the public mission list (associations.listing: any change to a
mission, an application or an organisation gives it a new one), for OPEN_DATA_CACHE_SECONDS at most, which bounds
how long a mission whose end date has passed stays listed. Browsers and proxies may keep it as long
(`Cache-Control: public`) and ask again with its ETag; a commune's page may call it from the browser
(`Access-Control-Allow-Origin: *`, on these routes only).
"""

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import NinjaJSONEncoder

from api.problems import Problem
from associations import listing
from associations.enums import OrganisationKind
from associations.models import Association, Mission
from core.enums import Domain, mask_to_domains
from core.models import Commune, Epci

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


# --- pagination, shared with the organisation's own lists (api.missions) -------------------------------------------


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="Numéro de la page, à partir de 1.")
    page_size: int = Field(
        PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Nombre de résultats par page, au plus {MAX_PAGE_SIZE}."
    )


class PageInfo(Schema):
    count: int = Field(description="Nombre total de résultats, toutes pages comprises.", examples=[42])
    page: int = Field(description="Numéro de cette page.", examples=[1])
    pages: int = Field(description="Nombre de pages.", examples=[3])
    page_size: int = Field(description="Nombre de résultats par page.", examples=[20])
    next: str | None = Field(description="Adresse de la page suivante, ou null sur la dernière.")
    previous: str | None = Field(description="Adresse de la page précédente, ou null sur la première.")


def paginate(queryset, query: PageQuery) -> Page:
    """The page asked for; one beyond the last is a validation problem naming the number of pages (never an empty
    page that software looping on `next` could not tell from the end)."""
    paginator = Paginator(queryset, query.page_size)
    if query.page > paginator.num_pages:
        detail = ngettext(
            "Cette liste n'a qu'une page.", "Cette liste n'a que %(pages)s pages.", paginator.num_pages
        ) % {"pages": paginator.num_pages}
        raise Problem(
            422,
            _("Cette page n'existe pas : voyez « errors »."),
            slug="validation",
            errors=[{"field": "page", "detail": detail}],
        )
    return paginator.page(query.page)


def page_info(request: HttpRequest, page: Page, filters: dict) -> dict:
    """The counts and the addresses of the neighbouring pages. The addresses are built from the filters as understood
    (not from the query string as typed), and start from SITE_URL, so that a cached answer suits every caller."""

    def address(number: int) -> str:
        params = {name: query_value(value) for name, value in filters.items() if value is not None}
        if page.paginator.per_page != PAGE_SIZE:
            params["page_size"] = page.paginator.per_page
        params["page"] = number
        return f"{settings.SITE_URL}{request.path}?{urlencode(params)}"

    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "page_size": page.paginator.per_page,
        "next": address(page.next_page_number()) if page.has_next() else None,
        "previous": address(page.previous_page_number()) if page.has_previous() else None,
    }


def query_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


# --- what every answer says: the licence, the producer -------------------------------------------------------------


class OpenDataLicence(Schema):
    id: str = Field(description="Identifiant SPDX de la licence.", examples=["etalab-2.0"])
    name: str = Field(description="Nom de la licence.", examples=["Licence Ouverte / Open Licence version 2.0"])
    url: str = Field(description="Texte de la licence.")
    source: str = Field(
        description="La source à mentionner avec les données réutilisées, avec leur date de mise à jour.",
        examples=["Le département de Meurthe-et-Moselle, Entraide 54 (https://entraide54.fr)"],
    )


def licence() -> dict:
    return {
        **settings.OPEN_DATA_LICENCE,
        "source": f"{settings.OPERATOR_NAME}, {settings.PORTAL_NAME} ({settings.SITE_URL})",
    }


# --- one answer, rendered once for everyone --------------------------------------------------------------------------


def open_to_every_origin(run):
    """A commune's page may call these routes from the browser and read their answers, errors included. They take no
    credentials, so `*` lets no site act as anyone; the routes that take a token never get this header."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def open_data_answer(
    request: HttpRequest, name: str, params: dict | None, build: Callable[[], Schema]
) -> HttpResponse:
    """`build()` rendered as JSON, or its copy from the cache. `params` are the parameters as understood; None for an
    answer not kept (asked with a moment of its own, as `updated_since`: each importer has its own)."""
    key = None
    if params is not None:
        understood = hashlib.sha256(urlencode(sorted(params.items())).encode()).hexdigest()[:32]
        key = f"open-data:{listing.version()}:{get_language()}:{name}:{understood}"
    body = cache.get(key) if key else None
    if body is None:
        body = json.dumps(build().model_dump(), cls=NinjaJSONEncoder, ensure_ascii=False).encode()
        if key:
            cache.set(key, body, settings.OPEN_DATA_CACHE_SECONDS)
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response = get_conditional_response(request, etag=etag, response=response)  # a 304 when the copy is current
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.OPEN_DATA_CACHE_SECONDS)
    return response


UNKNOWN_COMMUNE = gettext_lazy("Aucune commune du département n'a le code INSEE « %(value)s ».")


def commune_by_insee(code: str | None) -> Commune | None:
    """The `commune` filter's commune, or a validation problem: an unknown code must not read as "no mission here"."""
    if code is None:
        return None
    commune = Commune.objects.in_departement(settings.TERRITORY).filter(insee=code.strip().upper()).first()
    if commune is None:
        raise Problem(
            422,
            _("Certaines données envoyées ne sont pas valides : voyez « errors », un message par champ."),
            slug="validation",
            errors=[{"field": "commune", "detail": UNKNOWN_COMMUNE % {"value": code}}],
        )
    return commune


def aware(moment: datetime | None) -> datetime | None:
    """A moment given without its offset is the portal's time (Paris)."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


# --- missions --------------------------------------------------------------------------------------------------------

router = Router(tags=["Données ouvertes"], auth=None)


class MissionOrganisation(Schema):
    id: int = Field(description="Identifiant de la structure (voir /api/v1/public/structures/{id}/).", examples=[12])
    name: str = Field(description="Nom de la structure.", examples=["Banque alimentaire de Lunéville"])


class PublicMission(Schema):
    id: int = Field(description="Identifiant de la mission.", examples=[314])
    title: str = Field(description="Titre.", examples=["Distribution de colis alimentaires"])
    description: str = Field(description="Description de la mission.")
    domain: Domain = Field(description="Code du domaine d'action (stable).")
    domain_label: str = Field(description="Nom du domaine.", examples=["Aide alimentaire et d'urgence"])
    organisation: MissionOrganisation = Field(description="La structure qui propose la mission.")
    is_remote: bool = Field(description="Mission à distance (appels, aide aux devoirs…), sans commune.")
    commune: str | None = Field(description="Code INSEE de la commune, ou null à distance.", examples=["54329"])
    commune_name: str | None = Field(description="Nom de la commune, ou null à distance.", examples=["Lunéville"])
    start_date: date = Field(description="Début de la mission.")
    end_date: date | None = Field(description="Fin de la mission, ou null sans date de fin.")
    volunteers_needed: int = Field(description="Nombre de bénévoles recherchés.", examples=[4])
    places_left: int = Field(description="Places encore libres (recherchés moins candidatures acceptées).")
    skills: str = Field(description="Compétences souhaitées, en texte libre.")
    schedule: str = Field(description="Horaires, en texte libre.", examples=["Le samedi de 9 h à 12 h"])
    url: str = Field(description="Page publique de la mission sur le portail, où les bénévoles candidatent.")
    published_at: datetime = Field(description="Date de publication.")
    updated_at: datetime = Field(description="Date de la dernière modification de la mission.")


class PublicMissionDetail(PublicMission):
    licence: OpenDataLicence


class PublicMissionPage(PageInfo):
    licence: OpenDataLicence
    results: list[PublicMission]


class PublicMissionQuery(PageQuery):
    domain: Domain | None = Field(None, description="Seulement les missions de ce domaine.")
    commune: str | None = Field(
        None, max_length=5, description="Seulement les missions de cette commune, par son code INSEE."
    )
    remote: bool | None = Field(None, description="true : seulement à distance ; false : seulement sur place.")
    organisation: int | None = Field(None, description="Seulement les missions de cette structure.")
    updated_since: datetime | None = Field(
        None,
        description="Seulement les missions modifiées depuis ce moment (ISO 8601 ; sans décalage, heure de Paris), "
        "pour une mise à jour incrémentale. Une mission close ou terminée disparaît de la liste : comparez les "
        "identifiants à ceux d'une lecture complète pour retirer les autres.",
    )


def public_missions():
    return (
        Mission.objects.published()
        .select_related("association", "commune")
        .with_accepted_count()
        .order_by("-published_at", "-pk")
    )


def public_mission_data(mission: Mission) -> dict:
    return {
        "id": mission.pk,
        "title": mission.title,
        "description": mission.description,
        "domain": mission.domain,
        "domain_label": mission.get_domain_display(),
        "organisation": {"id": mission.association_id, "name": mission.association.name},
        "is_remote": mission.is_remote,
        "commune": mission.commune_id,
        "commune_name": mission.commune.name if mission.commune_id else None,
        "start_date": mission.start_date,
        "end_date": mission.end_date,
        "volunteers_needed": mission.volunteers_needed,
        "places_left": max(0, mission.volunteers_needed - mission.accepted_count),
        "skills": mission.skills,
        "schedule": mission.schedule,
        "url": settings.SITE_URL + reverse("missions:detail", args=[mission.pk]),
        "published_at": mission.published_at,
        "updated_at": mission.updated_at,
    }


# In the OpenAPI document, under each route: the licence, as the setting names it.
LICENCE_NOTE = (
    "\n\n**Données ouvertes**, sans jeton, sous la {name} ({url}) : libres de réutilisation, en citant leur "
    "source (le champ `licence` de chaque réponse donne la mention à reprendre). Chaque réponse peut être gardée "
    "{seconds} secondes (`Cache-Control`, `ETag`) ; elle peut être lue depuis le navigateur d'un visiteur, par "
    "le site d'une commune par exemple (`Access-Control-Allow-Origin: *`)."
).format(**settings.OPEN_DATA_LICENCE, seconds=settings.OPEN_DATA_CACHE_SECONDS)


@router.get(
    "/missions/",
    response=PublicMissionPage,
    summary="Missions publiées",
    description="Les missions publiées par les structures validées, en cours ou à venir : ce que montre la page "
    "publique /missions/, du plus récent au plus ancien." + LICENCE_NOTE,
)
@decorate_view(open_to_every_origin)
def public_mission_list(request, query: Query[PublicMissionQuery]):
    filters = query.model_dump(mode="json", exclude={"page", "page_size"})
    commune = commune_by_insee(query.commune)
    filters["commune"] = commune.pk if commune else None

    def build():
        missions = public_missions()
        if query.domain:
            missions = missions.filter(domain=query.domain)
        if commune:
            missions = missions.filter(commune=commune)
        if query.remote is not None:
            missions = missions.filter(is_remote=query.remote)
        if query.organisation is not None:
            missions = missions.filter(association=query.organisation)
        if query.updated_since:
            missions = missions.filter(updated_at__gte=aware(query.updated_since))
        page = paginate(missions, query)
        return PublicMissionPage(
            **page_info(request, page, filters),
            licence=licence(),
            results=[public_mission_data(mission) for mission in page],
        )

    params = None if query.updated_since else {**filters, "page": query.page, "page_size": query.page_size}
    return open_data_answer(request, "missions", params, build)


@router.get(
    "/missions/{int:mission_id}/",
    response=PublicMissionDetail,
    summary="Une mission publiée",
    description="Une mission publiée par une structure validée, en cours ou à venir. Une mission close, "
    "terminée, en brouillon ou inconnue répond 404." + LICENCE_NOTE,
)
@decorate_view(open_to_every_origin)
def public_mission_detail(request, mission_id: int):
    def build():
        mission = public_missions().filter(pk=mission_id).first()
        if mission is None:
            raise Problem(404, _("Aucune mission publiée ne porte ce numéro (close, terminée ou inconnue)."))
        return PublicMissionDetail(**public_mission_data(mission), licence=licence())

    return open_data_answer(request, "mission", {"id": mission_id}, build)


# --- organisations ---------------------------------------------------------------------------------------------------


class StructureDomain(Schema):
    code: str = Field(description="Code (stable).")
    label: str = Field(description="Libellé.")


class PublicEpci(Schema):
    siren: str = Field(description="SIREN de l'intercommunalité.", examples=["245400676"])
    name: str = Field(description="Nom de l'intercommunalité.")


class PublicCommune(Schema):
    insee: str = Field(description="Code INSEE de la commune.", examples=["54329"])
    name: str = Field(description="Nom de la commune.", examples=["Lunéville"])


class PublicStructure(Schema):
    id: int = Field(description="Identifiant de la structure.", examples=[12])
    kind: OrganisationKind = Field(description="Type de structure (code stable).")
    kind_label: str = Field(description="Type de structure.", examples=["Commune ou CCAS"])
    name: str = Field(description="Nom.")
    description: str = Field(description="Présentation publique, en texte libre.")
    commune: PublicCommune = Field(description="Commune du siège.")
    domains: list[StructureDomain] = Field(description="Domaines d'action.")
    covers_whole_departement: bool = Field(description="Agit dans tout le département.")
    epcis: list[PublicEpci] = Field(description="Intercommunalités où elle agit (vide si tout le département).")
    communes: list[PublicCommune] = Field(description="Communes où elle agit (vide si tout le département).")
    url: str = Field(description="Page publique de la structure dans l'annuaire du portail.")


class PublicStructureDetail(PublicStructure):
    licence: OpenDataLicence


class PublicStructurePage(PageInfo):
    licence: OpenDataLicence
    results: list[PublicStructure]


class PublicStructureQuery(PageQuery):
    domain: Domain | None = Field(None, description="Seulement les structures qui agissent dans ce domaine.")
    commune: str | None = Field(
        None,
        max_length=5,
        description="Seulement les structures qui agissent dans cette commune (code INSEE) : dans tout le "
        "département, dans son intercommunalité ou dans la commune elle-même.",
    )
    kind: OrganisationKind | None = Field(None, description="Seulement les structures de ce type.")


def public_structures():
    return (
        Association.objects.validated()
        .select_related("commune")
        .prefetch_related(
            Prefetch("epcis_covered", queryset=Epci.objects.order_by("name")),
            Prefetch("communes_covered", queryset=Commune.objects.only("insee", "name").order_by("name")),
        )
        .order_by("name", "pk")
    )


def public_structure_data(association: Association) -> dict:
    return {
        "id": association.pk,
        "kind": association.kind,
        "kind_label": association.get_kind_display(),
        "name": association.name,
        "description": association.description,
        "commune": {"insee": association.commune_id, "name": association.commune.name},
        "domains": [{"code": code, "label": str(Domain(code).label)} for code in mask_to_domains(association.domains)],
        "covers_whole_departement": association.covers_whole_departement,
        "epcis": [{"siren": epci.pk, "name": epci.name} for epci in association.epcis_covered.all()],
        "communes": [{"insee": commune.pk, "name": commune.name} for commune in association.communes_covered.all()],
        "url": settings.SITE_URL + reverse("associations:public", args=[association.pk]),
    }


@router.get(
    "/structures/",
    response=PublicStructurePage,
    summary="Structures validées",
    description="Les structures (associations, communes et CCAS, services d'aide à domicile, services du "
    "département) validées par le département : ce que montre l'annuaire public, par ordre alphabétique. Ni "
    "membres, ni personne à contacter." + LICENCE_NOTE,
)
@decorate_view(open_to_every_origin)
def public_structure_list(request, query: Query[PublicStructureQuery]):
    filters = query.model_dump(mode="json", exclude={"page", "page_size"})
    commune = commune_by_insee(query.commune)
    filters["commune"] = commune.pk if commune else None

    def build():
        structures = public_structures()
        if query.domain:
            structures = structures.with_domain(query.domain)
        if commune:
            structures = structures.covering(commune)
        if query.kind:
            structures = structures.filter(kind=query.kind)
        page = paginate(structures, query)
        return PublicStructurePage(
            **page_info(request, page, filters),
            licence=licence(),
            results=[public_structure_data(association) for association in page],
        )

    params = {**filters, "page": query.page, "page_size": query.page_size}
    return open_data_answer(request, "structures", params, build)


@router.get(
    "/structures/{int:structure_id}/",
    response=PublicStructureDetail,
    summary="Une structure validée",
    description="Une structure validée par le département ; une structure en attente, suspendue ou inconnue "
    "répond 404." + LICENCE_NOTE,
)
@decorate_view(open_to_every_origin)
def public_structure_detail(request, structure_id: int):
    def build():
        association = public_structures().filter(pk=structure_id).first()
        if association is None:
            raise Problem(404, _("Aucune structure validée ne porte ce numéro."))
        return PublicStructureDetail(**public_structure_data(association), licence=licence())

    return open_data_answer(request, "structure", {"id": structure_id}, build)
