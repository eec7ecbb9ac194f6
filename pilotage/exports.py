"""CSV exports for spreadsheet software: UTF-8 with a byte order mark, semicolons, French headers, streamed.

Rows are read from the database in chunks (`.iterator(chunk_size=…)`) and written one by one to the response, so a
100,000-row export holds one chunk in memory, never the file. Exports are written in French whatever the language of
the person exporting: files and the scripts built on them do not depend on who exported.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import phonenumbers
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.http import StreamingHttpResponse
from django.utils import timezone, translation

from associations.models import Association
from core.enums import Domain, mask_to_domains
from core.slots import describe_slots
from pilotage.figures import Scope
from requests_app.enums import AdvanceStatus
from requests_app.models import Advance, HelpRequest
from volunteers.models import VolunteerProfile

BOM = "\ufeff"
DELIMITER = ";"
CHUNK_SIZE = 2000
# A cell starting with one of these is read as a formula by Excel or LibreOffice (=, +, -, @, and the tab and
# carriage return some of them skip first); such cells get a leading apostrophe, which spreadsheets show as text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Open data: cells counting fewer requests than this are left out, so that a request in a small commune cannot be
# traced back to a person who lives there (the usual rule of statistical confidentiality).
OPEN_DATA_MIN_COUNT = 3


def neutralise(value: Any) -> str:
    """The text of a cell, made unable to run as a spreadsheet formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.lstrip(" ").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def phone_display(number) -> str:
    """French numbers as people dial them (06 12 34 56 78), others in international form: never a bare "+33…", which
    spreadsheets would read as a number or a formula."""
    if not number:
        return ""
    parsed = number if isinstance(number, phonenumbers.PhoneNumber) else phonenumbers.parse(str(number), "FR")
    if parsed.country_code == 33:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


class _Echo:
    """A file-like object whose write() hands back what it was given, for csv.writer to format one row at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=DELIMITER, lineterminator="\r\n")
    yield BOM + writer.writerow([column.header for column in columns])
    # Choice labels and yes/no in French, even though the rows are read after the view has returned.
    with translation.override("fr"):
        for row in rows:
            yield writer.writerow([neutralise(column.value(row)) for column in columns])


def csv_response(filename: str, columns: list[Column], rows: Iterable[Any]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # personal data: no copy in any cache
    return response


def _domains(mask: int) -> str:
    return ", ".join(str(Domain(code).label) for code in mask_to_domains(mask))


# --- Requests -----------------------------------------------------------------------------------------

REQUEST_COLUMNS = [
    Column("Référence", lambda r: r.reference),
    Column("Reçue le", lambda r: r.created_at),
    Column("Origine", lambda r: r.get_source_display()),
    Column("Statut", lambda r: r.get_status_display()),
    Column("Statut changé le", lambda r: r.status_changed_at),
    Column("Domaine", lambda r: r.get_domain_display()),
    Column("Type d'aide", lambda r: r.help_type.name),
    Column("Urgence", lambda r: r.get_urgency_display()),
    Column("Code INSEE", lambda r: r.commune_id),
    Column("Commune", lambda r: r.commune.name),
    Column("Intercommunalité", lambda r: r.commune.epci.name if r.commune.epci else ""),
    Column("Arrondissement", lambda r: r.commune.arrondissement.name if r.commune.arrondissement else ""),
    Column("Demande faite", lambda r: r.get_requester_relation_display()),
    Column("Demandeur", lambda r: r.requester_name),
    Column("Téléphone du demandeur", lambda r: phone_display(r.requester_phone)),
    Column("Courriel du demandeur", lambda r: r.requester_email),
    Column("Personne à aider", lambda r: r.beneficiary_name),
    Column("Téléphone de la personne à aider", lambda r: phone_display(r.beneficiary_phone)),
    Column("Adresse", lambda r: r.address),
    Column("Vit seule", lambda r: r.lives_alone),
    Column("70 ans ou plus", lambda r: r.aged_70_plus),
    Column("Situation de handicap", lambda r: r.has_disability),
    Column("Sans internet", lambda r: r.no_internet),
    Column("Créneaux souhaités", lambda r: r.slots_display),
    Column("Description", lambda r: r.description),
    Column("Confiée à", lambda r: r.routed_to.name if r.routed_to else ""),
]


def requests_rows(scope: Scope) -> Iterator[HelpRequest]:
    """Requests filed in the period, of the domain and place, oldest first."""
    return (
        scope.requests_filed()
        .select_related("help_type", "commune__epci", "commune__arrondissement", "routed_to")
        .order_by("created_at", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


# --- Volunteers ---------------------------------------------------------------------------------------

VOLUNTEER_COLUMNS = [
    Column("Numéro", lambda v: v.pk),
    Column("Inscrit le", lambda v: v.created_at),
    Column("Prénom", lambda v: v.user.first_name),
    Column("Nom", lambda v: v.user.last_name),
    Column("Courriel", lambda v: v.user.email),
    Column("Téléphone", lambda v: phone_display(v.phone)),
    Column("Code INSEE", lambda v: v.home_commune_id),
    Column("Commune", lambda v: v.home_commune.name),
    Column("Intercommunalité", lambda v: v.home_epci.name if v.home_epci else ""),
    Column("Où peut aider", lambda v: v.get_reach_display()),
    Column("Domaines", lambda v: _domains(v.domains)),
    Column("Disponibilités", lambda v: describe_slots(v.availability)),
    Column("Compétences", lambda v: ", ".join(skill.name for skill in v.skills.all())),
    Column("Autres compétences", lambda v: v.other_skills),
    Column("Véhicule", lambda v: v.has_vehicle),
    Column("Demandes suivies en même temps", lambda v: v.capacity),
    Column("Demandes en cours", lambda v: v.live_count),
    Column("Aides terminées", lambda v: v.completed_count),
    Column("Attestations données", lambda v: v.attestations_given),
    Column("Statut", lambda v: v.get_status_display()),
    Column("Indisponible jusqu'au", lambda v: v.paused_until),
]


def volunteers_rows(scope: Scope) -> Iterator[VolunteerProfile]:
    """Volunteers of the domain and place (whenever they signed up), by number."""
    queryset: QuerySet = scope.volunteers().select_related("user", "home_commune", "home_epci")
    # With chunk_size, the skills are fetched once per chunk, not once per volunteer.
    return queryset.prefetch_related("skills").order_by("pk").iterator(chunk_size=CHUNK_SIZE)


# --- Organisations ------------------------------------------------------------------------------------

ASSOCIATION_COLUMNS = [
    Column("Numéro", lambda a: a.pk),
    Column("Nom", lambda a: a.name),
    Column("Type de structure", lambda a: a.get_kind_display()),
    Column("Statut", lambda a: a.get_status_display()),
    Column("Motif", lambda a: a.status_reason),
    Column("Numéro RNA", lambda a: a.rna),
    Column("Numéro SIRET", lambda a: a.siret),
    Column("Inscrite le", lambda a: a.created_at),
    Column("Code INSEE", lambda a: a.commune_id),
    Column("Commune", lambda a: a.commune.name),
    Column("Intercommunalité", lambda a: a.commune.epci.name if a.commune.epci else ""),
    Column("Adresse", lambda a: a.address),
    Column("Domaines", lambda a: _domains(a.domains)),
    Column("Agit dans tout le département", lambda a: a.covers_whole_departement),
    Column("Courriel de contact", lambda a: a.contact_email),
    Column("Téléphone de contact", lambda a: a.contact_phone),
    Column("Membres", lambda a: a.member_count),
]


def associations_rows(scope: Scope) -> Iterator[Association]:
    """Organisations of the domain and place, whatever their status, by name."""
    return (
        scope.associations()
        .select_related("commune__epci")
        .annotate(member_count=Count("memberships"))
        .order_by("name", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


# --- Open data ----------------------------------------------------------------------------------------


def _week_start(row: dict) -> date:
    return timezone.localtime(row["week"]).date()


OPEN_DATA_COLUMNS = [
    Column("code_insee", lambda row: row["commune"]),
    Column("commune", lambda row: row["commune__name"]),
    Column("domaine", lambda row: row["domain"]),
    Column("libelle_domaine", lambda row: Domain(row["domain"]).label),
    Column("semaine_iso", lambda row: "{}-W{:02d}".format(*_week_start(row).isocalendar()[:2])),
    Column("debut_semaine", lambda row: _week_start(row)),
    Column("nombre_demandes", lambda row: row["n"]),
]


def open_data_rows(scope: Scope) -> Iterator[dict]:
    """Requests filed in the period counted by commune, domain and ISO week (weeks start on Monday, in the portal's
    time zone). Only these three keys and the count leave the database: no personal field can leak. Counts below
    OPEN_DATA_MIN_COUNT are left out."""
    return (
        scope.requests_filed()
        .annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "commune", "commune__name", "domain")
        .annotate(n=Count("pk"))
        .filter(n__gte=OPEN_DATA_MIN_COUNT)
        .order_by("week", "commune", "domain")
        .iterator(chunk_size=CHUNK_SIZE)
    )


# --- Shopping advances, for the accountant ----------------------------------------------------------------------


def _euros_cell(amount) -> str:
    """23,40: the French decimal comma that French spreadsheets read as a number."""
    return f"{amount:.2f}".replace(".", ",")


def _answer(advance) -> str:
    if advance.answered_at is None:
        return "en attente"
    said = "contestée" if advance.status == AdvanceStatus.DISPUTED else "confirmée"
    return f"{said} ({advance.get_answer_channel_display().lower()})"


def _decision(advance) -> str:
    if advance.status in (AdvanceStatus.APPROVED, AdvanceStatus.REPAID):
        return "acceptée"
    if advance.status == AdvanceStatus.REFUSED:
        return f"refusée : {advance.refusal_reason}"
    return ""


ADVANCE_COLUMNS = [
    Column("Référence", lambda a: a.proposal.help_request.reference),
    Column("Type d'aide", lambda a: a.proposal.help_request.help_type.name),
    Column("Déclarée le", lambda a: a.recorded_at),
    Column("Bénévole", lambda a: str(a.proposal.volunteer) if a.proposal.volunteer else "compte supprimé"),
    Column("Montant (€)", lambda a: _euros_cell(a.amount)),
    Column("État", lambda a: a.get_status_display()),
    Column("Confirmation de la personne", _answer),
    Column("Confirmée ou contestée le", lambda a: a.answered_at),
    Column("Remboursement", _decision),
    Column("Décidé le", lambda a: a.decided_at),
    Column("Remboursée le", lambda a: a.repaid_on),
]


def advances_rows(date_from: date, date_to: date) -> Iterator[Advance]:
    """The advances declared in the period (both days included, Paris time), oldest first."""
    return (
        Advance.objects.with_request()
        .filter(recorded_at__date__gte=date_from, recorded_at__date__lte=date_to)
        .order_by("recorded_at", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
