"""Reading a register file from a CCAS or the département: a CSV as spreadsheets save it (semicolons or commas,
Windows-1252 or UTF-8 with or without BOM, French headers spelt any way), checked line by line before anything is
stored.

`register_file_read` turns the upload into raw lines or raises `RegisterFileError` with a sentence for the whole
file (not a CSV, empty, a column missing, too large). `register_lines_check` checks every line and says, in French,
why a line cannot be imported, or what staff should know about it (already known to the portal). The staff page
shows that preview; `register_import` then stores the valid lines in one transaction, checking them again first:
either every line the preview promised is stored, or none is.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.enums import ConsentBasis
from campaigns.models import Register, RegisterEntry
from core.models import Commune, search_key
from requests_app.enums import RequesterRelation
from requests_app.models import HelpRequest

# Every header a file may use for a column, as search_key spells them (lower case, no accents nor hyphens).
COLUMNS = {
    "last_name": {"nom", "nom de famille", "nom usage", "nom d usage", "nom naissance"},
    "first_name": {"prenom", "prenoms"},
    "full_name": {"nom et prenom", "nom prenom", "prenom nom", "nom complet", "identite"},
    "phone": {"telephone", "tel", "tel.", "numero de telephone", "portable", "telephone fixe", "n de telephone"},
    "address": {"adresse", "adresse postale", "domicile"},
    "postal_code": {"code postal", "cp"},
    "commune": {"commune", "ville", "localite", "code insee", "insee", "commune insee"},
    "consent_basis": {"base du consentement", "base legale", "fondement", "consentement", "base de consentement"},
    "consent_date": {"date du consentement", "date consentement", "date d inscription", "inscrit le", "date"},
    "notes": {"notes", "note", "observations", "remarques", "commentaire", "commentaires"},
}
# The errors name a column as the file's header line must write it, in French whatever the page's language: a
# translated name would send someone looking for a column the import does not read.
REQUIRED_COLUMNS = {
    "phone": "téléphone",
    "commune": "commune",
    "consent_basis": "base du consentement",
    "consent_date": "date du consentement",
}
# Keywords of the consent column, as search_key spells them, and the basis each means.
CONSENT_WORDS = [
    ("canicule", ConsentBasis.LEGAL_REGISTER),
    ("registre", ConsentBasis.LEGAL_REGISTER),
    ("obligation", ConsentBasis.LEGAL_REGISTER),
    ("legal", ConsentBasis.LEGAL_REGISTER),
    ("vita", ConsentBasis.VITAL_INTEREST),
    ("interet public", ConsentBasis.PUBLIC_INTEREST),
    ("mission", ConsentBasis.PUBLIC_INTEREST),
    ("consent", ConsentBasis.CONSENT),
    ("accord", ConsentBasis.CONSENT),
]
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
POSTAL_CODE = re.compile(r"^(\d{5})\s+(.+)$")
FIELD_LIMITS = {  # named as the header line writes them, like REQUIRED_COLUMNS
    "last_name": (120, "nom"),
    "first_name": (120, "prénom"),
    "address": (250, "adresse"),
    "notes": (1000, "notes"),
}


class RegisterFileError(Exception):
    """The file as a whole cannot be read: the message says why, to the agent who sent it."""


@dataclass
class Line:
    """One line of the file: its number as a spreadsheet shows it (the header is line 1) and its cells by column."""

    number: int
    cells: dict[str, str]


@dataclass
class CheckedLine:
    number: int
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Filled when the line is valid: what will be stored.
    entry: RegisterEntry | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


def _decode(raw: bytes) -> str:
    if b"\x00" in raw:
        raise RegisterFileError(_("Ce fichier n'est pas un fichier CSV (texte). Enregistrez-le au format CSV."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (séparateur : point-virgule)" on Windows writes Windows-1252, a superset of Latin-1.
        return raw.decode("cp1252", errors="replace")


def _delimiter(header: str) -> str:
    """The separator the header uses most: a French spreadsheet writes semicolons, others commas."""
    return max((";", ",", "\t"), key=header.count)


def _columns(header: list[str]) -> dict[int, str]:
    columns = {}
    for index, name in enumerate(header):
        key = search_key(name).strip(" .:*")
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in columns.values():
                columns[index] = column
    return columns


def register_file_read(upload) -> list[Line]:
    """The lines of an uploaded file, or RegisterFileError. Blank lines are skipped, their numbers kept."""
    if upload.size > settings.REGISTER_IMPORT_MAX_BYTES:
        limit = settings.REGISTER_IMPORT_MAX_BYTES // 1024
        raise RegisterFileError(
            _("Le fichier dépasse %(limit)s Ko : découpez-le en plusieurs fichiers.") % {"limit": limit}
        )
    text = _decode(upload.read())
    if not text.strip():
        raise RegisterFileError(_("Le fichier est vide."))
    first_line = text.lstrip().splitlines()[0]
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(first_line)))
    except csv.Error:
        raise RegisterFileError(_("Le fichier n'a pas pu être lu comme un tableau CSV.")) from None
    rows_with_numbers = [(number, row) for number, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    header_number, header = rows_with_numbers[0]
    columns = _columns(header)
    named = set(columns.values())
    if not ({"last_name", "full_name"} & named):
        raise RegisterFileError(_("Colonne « nom » introuvable dans la première ligne du fichier."))
    missing = [label for column, label in REQUIRED_COLUMNS.items() if column not in named]
    if missing:
        raise RegisterFileError(
            _("Colonnes introuvables dans la première ligne du fichier : %(columns)s.")
            % {"columns": ", ".join(f"« {label} »" for label in missing)}
        )
    lines = rows_with_numbers[1:]
    if not lines:
        raise RegisterFileError(_("Le fichier ne contient aucune personne : seulement la ligne des titres."))
    if len(lines) > settings.REGISTER_IMPORT_MAX_ROWS:
        raise RegisterFileError(
            _("Le fichier compte %(count)s lignes ; %(limit)s au plus par import : découpez-le en plusieurs fichiers.")
            % {"count": len(lines), "limit": settings.REGISTER_IMPORT_MAX_ROWS}
        )
    return [
        Line(
            number=number,
            cells={column: row[index].strip() for index, column in columns.items() if index < len(row)},
        )
        for number, row in lines
    ]


class Territory:
    """The territory's communes, read in one query, found by INSEE code, by name, or by postal code and name."""

    def __init__(self):
        communes = list(
            Commune.objects.in_departement(settings.TERRITORY).only("insee", "name", "search_name", "postal_codes")
        )
        self.by_insee = {c.insee: c for c in communes}
        self.by_name: dict[str, list[Commune]] = {}
        for commune in communes:
            self.by_name.setdefault(commune.search_name, []).append(commune)

    def find(self, text: str, postal_code: str = "") -> tuple[Commune | None, str]:
        """The commune, or None and the reason in French."""
        text = text.strip()
        if match := POSTAL_CODE.match(text):
            postal_code, text = match.groups()
        if not text:
            return None, _("commune manquante")
        if text.isdigit():
            commune = self.by_insee.get(text.zfill(5))
            if commune is None:
                return None, _("code INSEE « %(code)s » inconnu dans le département") % {"code": text}
            return commune, ""
        candidates = self.by_name.get(search_key(text), [])
        if postal_code:
            candidates = [c for c in candidates if postal_code in c.postal_code_list]
        if not candidates:
            return None, _("commune « %(name)s » inconnue dans le département") % {"name": text}
        if len(candidates) > 1:
            return None, _("commune « %(name)s » ambiguë : indiquez son code postal ou son code INSEE") % {
                "name": text
            }
        return candidates[0], ""


def phone_parse(text: str) -> str | None:
    """The number in E.164, from any way a French file writes it: 06 12 34 56 78, 06.12.34.56.78, +33 6…, 0033 6…,
    +33 (0)6…, and 6 12 34 56 78, as a spreadsheet leaves a number whose leading zero it dropped."""
    text = text.replace("(0)", "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    digits = re.sub(r"\D", "", text)
    if not text.startswith("+") and len(digits) == 9:
        text = "0" + digits
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def consent_basis_parse(text: str) -> ConsentBasis | None:
    key = search_key(text)
    for value in ConsentBasis.values:
        if key == value:
            return ConsentBasis(value)
    return next((basis for word, basis in CONSENT_WORDS if word in key), None)


def date_parse(text: str) -> date | None:
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), date_format).date()
        except ValueError:
            continue
    return None


def _names(cells: dict[str, str]) -> tuple[str, str]:
    if cells.get("last_name"):
        return cells["last_name"], cells.get("first_name", "")
    # One column "Nom et prénom": the last word is not surely the name; kept whole as the name.
    return cells.get("full_name", ""), ""


def name_key(last_name: str, first_name: str) -> frozenset[str]:
    """The same person whichever order and case the names come in: "DUPONT Jeanne" is "Jeanne Dupont"."""
    return frozenset(search_key(f"{first_name} {last_name}").split())


def _line_check(line: Line, territory: Territory, today: date) -> CheckedLine:
    checked = CheckedLine(number=line.number, cells=line.cells)
    cells = line.cells
    last_name, first_name = _names(cells)
    if not last_name:
        checked.errors.append(_("nom manquant"))
    raw_phone = cells.get("phone", "")
    phone = phone_parse(raw_phone) if raw_phone else None
    if not raw_phone:
        checked.errors.append(_("téléphone manquant : la campagne appelle"))
    elif phone is None:
        checked.errors.append(_("téléphone « %(phone)s » invalide") % {"phone": raw_phone})
    commune, reason = territory.find(cells.get("commune", ""), cells.get("postal_code", ""))
    if commune is None:
        checked.errors.append(reason)
    basis_text = cells.get("consent_basis", "")
    basis = consent_basis_parse(basis_text) if basis_text else None
    if not basis_text:
        checked.errors.append(_("base du consentement manquante : rien n'est importé sans elle"))
    elif basis is None:
        checked.errors.append(
            _(
                "base du consentement « %(text)s » non reconnue "
                "(registre canicule, consentement, mission d'intérêt public)"
            )
            % {"text": basis_text}
        )
    date_text = cells.get("consent_date", "")
    consent_date = date_parse(date_text) if date_text else None
    if not date_text:
        checked.errors.append(_("date du consentement manquante : rien n'est importé sans elle"))
    elif consent_date is None:
        checked.errors.append(_("date du consentement « %(text)s » illisible (jj/mm/aaaa)") % {"text": date_text})
    elif consent_date > today:
        checked.errors.append(_("date du consentement « %(text)s » dans le futur") % {"text": date_text})
    for column, (limit, label) in FIELD_LIMITS.items():
        value = {"last_name": last_name, "first_name": first_name}.get(column, cells.get(column, ""))
        if len(value) > limit:
            checked.errors.append(
                _("%(column)s trop long (%(limit)s caractères au plus)") % {"column": label, "limit": limit}
            )
    if checked.valid:
        checked.entry = RegisterEntry(
            line_number=line.number,
            last_name=last_name,
            first_name=first_name,
            phone=phone,
            address=cells.get("address", ""),
            commune=commune,
            consent_basis=basis,
            consent_date=consent_date,
            notes=cells.get("notes", ""),
        )
    return checked


def _duplicates_mark(checked: list[CheckedLine]) -> None:
    """A person twice in the file, or already on a register still kept, is refused: she would be called twice. One
    already known to the portal by a request is imported, with a word for staff and the caller: the request says
    more about her. Three queries whatever the number of lines."""
    valid = [line for line in checked if line.valid]
    seen_phone: dict[tuple[str, frozenset], int] = {}
    seen_name: dict[tuple[str, frozenset], int] = {}
    for line in valid:
        entry = line.entry
        key = name_key(entry.last_name, entry.first_name)
        first = seen_phone.get((entry.phone.as_e164, key)) or seen_name.get((entry.commune.insee, key))
        if first:
            line.errors.append(_("même personne qu'à la ligne %(line)s") % {"line": first})
            line.entry = None
            continue
        seen_phone[(entry.phone.as_e164, key)] = line.number
        seen_name[(entry.commune.insee, key)] = line.number
    valid = [line for line in valid if line.valid]
    if not valid:
        return
    phones = {str(line.entry.phone) for line in valid}
    communes = {line.entry.commune.insee for line in valid}

    registered = (
        RegisterEntry.objects.filter(register__erased_at__isnull=True)
        .filter(Q(phone__in=phones) | Q(commune__in=communes))
        .select_related("register")
        .only("phone", "last_name", "first_name", "commune_id", "register__name")
    )
    by_phone_name = {}
    by_commune_name = {}
    for entry in registered:
        key = name_key(entry.last_name, entry.first_name)
        by_phone_name[(entry.phone.as_e164, key)] = entry
        by_commune_name[(entry.commune_id, key)] = entry
    for line in valid:
        entry = line.entry
        key = name_key(entry.last_name, entry.first_name)
        same_phone = by_phone_name.get((entry.phone.as_e164, key))
        known = same_phone or by_commune_name.get((entry.commune.insee, key))
        if known:
            how = _("même nom et même téléphone") if same_phone else _("même nom et même commune")
            line.errors.append(
                _("déjà inscrite au registre « %(register)s » (%(how)s)")
                % {"register": known.register.name, "how": how}
            )
            line.entry = None

    valid = [line for line in valid if line.valid]
    names = set()
    for line in valid:
        names.update(_name_variants(line.entry.last_name, line.entry.first_name))
    requests = (
        HelpRequest.objects.filter(anonymised_at__isnull=True, merged_into__isnull=True)
        .annotate(beneficiary=Upper("beneficiary_name"), requester=Upper("requester_name"))
        .filter(
            Q(requester_phone__in=phones)
            | Q(beneficiary_phone__in=phones)
            | Q(commune__in=communes)
            & (Q(beneficiary__in=names) | Q(requester__in=names, requester_relation=RequesterRelation.SELF))
        )
        .order_by("-created_at")
        .only("reference", "requester_phone", "beneficiary_phone", "commune_id", "requester_relation")
    )
    request_by_phone = {}
    request_by_name = {}
    for help_request in requests:
        for phone in (help_request.requester_phone, help_request.beneficiary_phone):
            if phone:
                request_by_phone.setdefault(phone.as_e164, help_request)
        for name in (
            help_request.beneficiary,
            help_request.requester if help_request.requester_relation == RequesterRelation.SELF else "",
        ):
            if name:
                request_by_name.setdefault((help_request.commune_id, name_key(name, "")), help_request)
    for line in valid:
        entry = line.entry
        by_phone = request_by_phone.get(entry.phone.as_e164)
        known = by_phone or request_by_name.get((entry.commune.insee, name_key(entry.last_name, entry.first_name)))
        if known:
            how = _("même téléphone") if by_phone else _("même nom et même commune")
            line.warnings.append(
                _("déjà connue : demande %(reference)s (%(how)s)") % {"reference": known.reference, "how": how}
            )
            entry.possible_duplicate_request = known


def _name_variants(last_name: str, first_name: str) -> set[str]:
    """The upper-case spellings a request's single name field may have for this person."""
    last, first = " ".join(last_name.split()), " ".join(first_name.split())
    return {f"{first} {last}".strip().upper(), f"{last} {first}".strip().upper()}


def register_lines_check(lines: Iterable[Line]) -> list[CheckedLine]:
    territory = Territory()
    today = timezone.localdate()
    checked = [_line_check(line, territory, today) for line in lines]
    _duplicates_mark(checked)
    return checked


class ImportChanged(Exception):
    """Between the preview and the confirmation, a line changed its verdict (someone imported the same people
    meanwhile): the agent must look at the preview again."""


@transaction.atomic
def register_import(
    *, name: str, source_organisation: str, file_name: str, lines: list[Line], promised: list[int], imported_by
) -> Register:
    """Stores a register and its valid lines, all or none. `promised` is the line numbers the preview showed as
    valid: if the check now says otherwise, nothing is stored and ImportChanged is raised."""
    checked = register_lines_check(lines)
    valid = [line for line in checked if line.valid]
    if [line.number for line in valid] != promised:
        raise ImportChanged
    register = Register(
        name=name, source_organisation=source_organisation, file_name=file_name[:255], imported_by=imported_by
    )
    register.full_clean()
    register.save()
    for line in valid:
        line.entry.register = register
    RegisterEntry.objects.bulk_create([line.entry for line in valid])
    return register
