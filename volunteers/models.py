import operator
from datetime import date, timedelta
from functools import reduce

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.enums import Domain, Vetting, domain_bit, mask_to_domains
from core.models import AccessRecord
from core.private_files import private_storage, upload_to, validate_upload
from core.slots import describe_slots
from volunteers.enums import CLOSED_DOCUMENT_STATUSES, DocumentKind, DocumentStatus, Reach, VolunteerStatus
from volunteers.standing import LOAD_PENALTY, RECORD_POINTS_MAX


class Skill(models.Model):
    """A skill staff list for volunteers to tick (driving licence, first aid, languages…)."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    help_types = models.ManyToManyField(
        "core.HelpType",
        blank=True,
        related_name="useful_skills",
        verbose_name=_("utile pour"),
        help_text=_("La matching favorise les bénévoles qui ont cette compétence pour ces types d'aide."),
    )

    class Meta:
        verbose_name = _("compétence")
        ordering = ["name"]

    def __str__(self):
        return self.name


MATCHING_COLUMNS = [
    "domains", "availability", "reach", "live_count", "capacity", "paused_until", "has_vehicle", "last_assigned_at",
    "completed_count", "user", "home_commune", "home_epci", "home_arrondissement", "standing",
    "birth_year", "health_risk", "protection_lifted_at", "identity_checked_until", "document_checked_until",
]  # fmt: skip


# Columns other services keep with their own UPDATEs (the proposal services' counters, volunteers/vetting.py's dates):
# a full save of a profile loaded earlier never writes them back.
KEPT_ELSEWHERE = {
    "live_count",
    "completed_count",
    "last_assigned_at",
    "identity_checked_until",
    "document_checked_until",
}


# --- Who may be proposed what (README, "Vetted volunteers") ----------------------------------------------------------
# Three rules decide whether a volunteer may be offered, or apply for, a help type: the vetting it asks, its minimum
# age, and the protective rule. Each is written here once, for both readers: a Q for the queryset
# (`may_take`, which the ranking's reference `eligible` uses and whose columns the tier walk's SQL repeats from the
# same constants) and a check of one profile that says in French what is missing (`safeguard_refusals`).
#
# Ages are counted by year, as the profile asks only a birth year: "aged N" means turning N during the current
# calendar year (born in or before this year minus N). The protective rule thus starts on 1 January of the year
# she turns 70 (protecting a little early), and a minimum age is met from 1 January of the year she reaches it.

ADULT_AGE = 18  # every volunteer attests it (is_adult): a minimum age at or below it asks nothing more
PROTECTED_AGE = 70
# The checks (dates kept by volunteers.vetting from approved documents) that hold each level while >= today: the
# document staff checked proves identity as well.
VETTING_PROOFS = {
    Vetting.NONE: (),
    Vetting.IDENTITY: ("identity_checked_until", "document_checked_until"),
    Vetting.DOCUMENT: ("document_checked_until",),
}


def born_by(age: int, today=None) -> int:
    """The latest birth year of someone aged `age` this year (see the note on ages above)."""
    return (today or timezone.localdate()).year - age


def minimum_age_asked(help_type) -> int | None:
    """The age beyond the adult one a help type asks, or None when it asks no more than every volunteer attests."""
    age = help_type.minimum_age
    return age if age is not None and age > ADULT_AGE else None


def protection_applies(help_type, *, remote: bool = False) -> bool:
    """The protective rule matters only for help given in person: a help type (or a mission) done at a distance is
    open to protected volunteers."""
    return not (remote or help_type.remote_ok)


def safeguards_q(help_type, *, remote: bool = False, today=None) -> Q:
    """The three rules as a filter; empty (adds nothing) for a remote help type asking no vetting nor age."""
    today = today or timezone.localdate()
    condition = Q()
    if proofs := VETTING_PROOFS[help_type.vetting]:
        condition &= reduce(operator.or_, (Q(**{f"{column}__gte": today}) for column in proofs))
    if (age := minimum_age_asked(help_type)) is not None:
        condition &= Q(birth_year__isnull=False, birth_year__lte=born_by(age, today))
    if protection_applies(help_type, remote=remote):
        # Not protected (no risk declared, and a birth year unknown or recent), or staff lifted it for her.
        condition &= Q(protection_lifted_at__isnull=False) | (
            Q(health_risk=False) & (Q(birth_year__isnull=True) | Q(birth_year__gt=born_by(PROTECTED_AGE, today)))
        )
    return condition


class VolunteerProfileQuerySet(models.QuerySet):
    def ready(self):
        """Volunteers who may receive proposals: active with attestations given (is_eligible, kept by save()),
        a verified email, not paused."""
        today = timezone.localdate()
        return self.filter(is_eligible=True, user__is_active=True).filter(
            Q(paused_until__isnull=True) | Q(paused_until__lt=today)
        )

    def anyone_vetted_for(self, help_type) -> bool:
        """Whether any volunteer holds a valid proof of the checks the help type asks (True when it asks none).
        The matching asks first: while nobody is vetted, as when a département opens, a walk would read every
        tier to its end for nothing. Served by the small `vetted_*` indexes."""
        proofs = VETTING_PROOFS[help_type.vetting]
        if not proofs:
            return True
        today = timezone.localdate()
        return self.filter(reduce(operator.or_, (Q(**{f"{column}__gte": today}) for column in proofs))).exists()

    def with_domain(self, code: str):
        """Volunteers who help in this domain: a bit test the database does (see `domains`)."""
        return self.alias(_domain_bit=F("domains").bitand(domain_bit(code))).filter(_domain_bit__gt=0)

    def may_take(self, help_type, *, remote: bool = False, today=None):
        """Volunteers who may be offered this help type: vetted enough, old enough, and not kept to remote help by
        the protective rule (`safeguards_q`)."""
        return self.filter(safeguards_q(help_type, remote=remote, today=today))


class VolunteerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile", verbose_name=_("compte")
    )
    phone = PhoneNumberField(_("téléphone"), blank=True)
    home_commune = models.ForeignKey(
        "core.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune de résidence")
    )
    reach = models.CharField(_("où je peux aider"), max_length=15, choices=Reach.choices, default=Reach.EPCI)
    # One bit per domain (core.enums.domain_bit) and per weekly slot (core.slots): matching tests them in SQL.
    domains = models.PositiveSmallIntegerField(_("domaines"), default=0)
    availability = models.PositiveIntegerField(_("disponibilités"), default=0)
    skills = models.ManyToManyField(Skill, blank=True, related_name="volunteers", verbose_name=_("compétences"))
    other_skills = models.CharField(_("autres compétences"), max_length=300, blank=True)
    has_vehicle = models.BooleanField(_("véhicule"), default=False)
    capacity = models.PositiveSmallIntegerField(_("demandes suivies en même temps"), default=2)
    is_adult = models.BooleanField(_("18 ans ou plus"), default=False)
    no_symptoms = models.BooleanField(_("sans symptôme"), default=False)
    # The protective rule (README, "Vetted volunteers"): born 70 or more years ago, or a declared health risk,
    # and only remote help is proposed, unless staff lift it for this person (protection_lifted_*).
    birth_year = models.PositiveSmallIntegerField(
        _("année de naissance"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    health_risk = models.BooleanField(_("facteur de risque de forme grave déclaré"), default=False)
    protection_lifted_at = models.DateTimeField(_("aide sur place autorisée le"), null=True, blank=True)
    protection_lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aide sur place autorisée par"),
    )
    protection_lift_reason = models.CharField(_("motif de l'autorisation"), max_length=300, blank=True)
    # Until when staff's checks hold (volunteers/vetting.py keeps them from the approved documents): the matching and
    # the applications compare them with today, so an expired document ends its level without a job.
    identity_checked_until = models.DateField(_("identité vérifiée jusqu'au"), null=True, blank=True, editable=False)
    document_checked_until = models.DateField(
        _("justificatif vérifié valable jusqu'au"), null=True, blank=True, editable=False
    )
    charter_accepted_at = models.DateTimeField(_("charte acceptée le"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )
    status_reason = models.CharField(_("motif"), max_length=500, blank=True)
    paused_until = models.DateField(_("indisponible jusqu'au"), null=True, blank=True)
    # Kept by save() and by the proposal services, so that matching filters and orders on indexed columns
    # of this one table instead of joining communes and counting proposals for every volunteer.
    home_epci = models.ForeignKey("core.Epci", on_delete=models.SET_NULL, null=True, editable=False, related_name="+")
    home_arrondissement = models.ForeignKey(
        "core.Arrondissement", on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    is_eligible = models.BooleanField(default=False, editable=False)
    live_count = models.PositiveSmallIntegerField(_("demandes en cours"), default=0, editable=False)
    completed_count = models.PositiveIntegerField(_("aides terminées"), default=0, editable=False)
    last_assigned_at = models.DateTimeField(_("dernière aide acceptée"), null=True, blank=True, editable=False)
    # The part of the matching score that depends neither on the request nor on the clock: record minus load.
    # Computed by PostgreSQL on every write, even the services' F() updates, so it can never lag behind the
    # counters; the tier indexes are ordered by it, which lets matching stop reading early (see `candidates`).
    standing = models.GeneratedField(
        expression=Least(F("completed_count"), RECORD_POINTS_MAX) - F("live_count") * LOAD_PENALTY,
        output_field=models.IntegerField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = VolunteerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profil de bénévole")
        verbose_name_plural = _("profils de bénévoles")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=10), name="volunteer_capacity_range"
            ),
        ]
        # One partial index per proximity tier, walked from the nearest out in the order matching reads a tier:
        # best standing first, then by pk as ties are broken. The département tier (everyone outside the
        # arrondissement) reads the last one. Each carries every column the hard filters test, so rows that fail
        # them are skipped without visiting the table.
        indexes = [
            models.Index(
                fields=[*place, "-standing", "id"],
                condition=Q(is_eligible=True),
                include=MATCHING_COLUMNS,
                name=f"eligible_by_{name}",
            )
            for place, name in (
                (["home_commune"], "commune"),
                (["home_epci"], "epci"),
                (["home_arrondissement"], "arr"),
                ([], "standing"),
            )
        ] + [
            # Few volunteers are vetted: `anyone_vetted_for` reads these small indexes instead of the tiers.
            models.Index(fields=[column], condition=Q(**{f"{column}__isnull": False}), name=f"vetted_{name}")
            for column, name in (("identity_checked_until", "identity"), ("document_checked_until", "document"))
        ]

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        commune = self.home_commune
        self.home_epci_id, self.home_arrondissement_id = commune.epci_id, commune.arrondissement_id
        self.is_eligible = (
            self.status == VolunteerStatus.ACTIVE
            and self.attestations_given
            and EmailAddress.objects.filter(user=self.user_id, verified=True).exists()
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "home_epci", "home_arrondissement", "is_eligible"}
        elif self.pk and not self._state.adding:
            # A profile form saved a minute after loading must not write back counters the proposal services
            # have moved meanwhile (they update them with F() expressions), nor the dates staff's decisions set.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and not f.generated and f.name not in KEPT_ELSEWHERE
            ]
        super().save(*args, **kwargs)

    @property
    def attestations_given(self) -> bool:
        return self.is_adult and self.no_symptoms and self.charter_accepted_at is not None

    @property
    def is_paused(self) -> bool:
        return self.paused_until is not None and self.paused_until >= timezone.localdate()

    @property
    def domain_list(self) -> list[str]:
        return [str(Domain(code).label) for code in mask_to_domains(self.domains)]

    @property
    def availability_display(self) -> str:
        return describe_slots(self.availability)

    def vetting_level(self, today=None) -> Vetting:
        """The highest level her checks still hold today (VETTING_PROOFS)."""
        today = today or timezone.localdate()
        return max(
            level
            for level, proofs in VETTING_PROOFS.items()
            if not proofs or any((getattr(self, column) or date.min) >= today for column in proofs)
        )

    def is_protected(self, today=None) -> bool:
        """Aged 70 or more this year, or a declared health risk: remote help only, unless staff lift it."""
        aged = self.birth_year is not None and self.birth_year <= born_by(PROTECTED_AGE, today)
        return aged or self.health_risk

    @property
    def protection_lifted(self) -> bool:
        return self.protection_lifted_at is not None

    def safeguard_refusals(self, help_type, *, remote: bool = False, today=None) -> list[str]:
        """Why she may not be offered this help type, in French, one reason per rule she fails (none: she may).
        The same rules as `safeguards_q`."""
        today = today or timezone.localdate()
        reasons = []
        if self.vetting_level(today) < help_type.vetting:
            reasons.append(
                _("« %(help_type)s » demande : %(level)s, encore valable aujourd'hui.")
                % {"help_type": help_type, "level": Vetting(help_type.vetting).label}
            )
        if (age := minimum_age_asked(help_type)) is not None:
            if self.birth_year is None:
                reasons.append(
                    _("« %(help_type)s » demande d'avoir %(age)s ans ou plus : indiquez votre année de naissance.")
                    % {"help_type": help_type, "age": age}
                )
            elif self.birth_year > born_by(age, today):
                reasons.append(
                    _("« %(help_type)s » demande d'avoir %(age)s ans ou plus.") % {"help_type": help_type, "age": age}
                )
        if protection_applies(help_type, remote=remote) and self.is_protected(today) and not self.protection_lifted:
            reasons.append(
                _(
                    "Pour vous protéger (70 ans ou plus, ou facteur de risque déclaré), seule l'aide à distance "
                    "vous est proposée, sauf accord de l'équipe du département."
                )
            )
        return [str(reason) for reason in reasons]

    def lift_protection(self, *, by, reason: str):
        """Staff allow help in person for this protected volunteer (she asked, her doctor agrees…)."""
        self.protection_lifted_at, self.protection_lifted_by, self.protection_lift_reason = timezone.now(), by, reason
        self.save(update_fields=["protection_lifted_at", "protection_lifted_by", "protection_lift_reason"])

    def restore_protection(self):
        self.protection_lifted_at, self.protection_lifted_by, self.protection_lift_reason = None, None, ""
        self.save(update_fields=["protection_lifted_at", "protection_lifted_by", "protection_lift_reason"])

    def suspend(self, reason: str):
        self.status, self.status_reason = VolunteerStatus.SUSPENDED, reason
        self.save(update_fields=["status", "status_reason"])

    def reactivate(self):
        self.status, self.status_reason = VolunteerStatus.ACTIVE, ""
        self.save(update_fields=["status", "status_reason"])


def document_path(instance, filename: str) -> str:
    # A named function, as migrations cannot refer to the closure upload_to() returns.
    return upload_to("verifications")(instance, filename)


def validate_new_document(value) -> None:
    """A file just sent is checked by its first bytes and its size (core.private_files); one already stored was
    checked when it came, and may since have been deleted by the retention."""
    if value and not getattr(value, "_committed", True):
        validate_upload(value)


class VettingDocumentQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=DocumentStatus.PENDING)

    def approved(self):
        return self.filter(status=DocumentStatus.APPROVED)

    def past_validity(self, today):
        """Approved documents whose last valid day is behind: the nightly task expires them."""
        return self.approved().filter(valid_until__lt=today)

    def ending_soon(self, today, days: int):
        """Approved documents ending within `days`, whose volunteer has not been warned yet."""
        return self.approved().filter(
            valid_until__gte=today, valid_until__lte=today + timedelta(days=days), expiry_warned_at__isnull=True
        )

    def files_past_retention(self, now, days: int):
        return self.filter(status__in=CLOSED_DOCUMENT_STATUSES, closed_at__lt=now - timedelta(days=days)).exclude(
            file=""
        )


class VettingDocument(models.Model):
    """A document a volunteer sends so that staff check her identity or her criminal record (bulletin n° 3). The file
    lives in the private storage and is opened only by staff, each time logged (VettingDocumentAccess). Statuses
    move only through volunteers/vetting.py, which keeps the profile's checked-until dates."""

    # Which status may follow which: written once, checked by `move_to`.
    TRANSITIONS = {
        DocumentStatus.PENDING: {DocumentStatus.APPROVED, DocumentStatus.REFUSED, DocumentStatus.WITHDRAWN},
        # Staff may also take an approval back (a forged document found out), with a reason.
        DocumentStatus.APPROVED: {DocumentStatus.EXPIRED, DocumentStatus.REFUSED, DocumentStatus.WITHDRAWN},
    }

    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="vetting_documents", verbose_name=_("bénévole")
    )
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(
        _("fichier"),
        storage=private_storage,
        upload_to=document_path,
        blank=True,
        max_length=200,
        validators=[validate_new_document],
        help_text=_("PDF, JPEG ou PNG : un scan ou une photo lisible."),
    )
    issued_on = models.DateField(_("date de délivrance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING, editable=False
    )
    refusal_reason = models.CharField(_("motif du refus"), max_length=500, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("envoyé le"), default=timezone.now, editable=False)
    reviewed_at = models.DateTimeField(_("vérifié le"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifié par"),
        editable=False,
    )
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True, editable=False)
    # When it stopped counting (refused, expired, withdrawn): the retention of its file runs from here.
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True, editable=False)
    file_deleted_at = models.DateTimeField(_("fichier supprimé le"), null=True, blank=True, editable=False)
    expiry_warned_at = models.DateTimeField(_("fin prochaine annoncée le"), null=True, blank=True, editable=False)

    objects = VettingDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("justificatif de bénévole")
        verbose_name_plural = _("justificatifs de bénévoles")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DocumentKind.CRIMINAL_RECORD) | Q(issued_on__isnull=False),
                name="vetting_record_has_its_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.APPROVED) | Q(valid_until__isnull=False, reviewed_at__isnull=False),
                name="vetting_approved_has_validity",
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.REFUSED) | ~Q(refusal_reason=""),
                name="vetting_refused_has_reason",
            ),
            # A new document of a kind replaces the one still waiting (vetting.py withdraws it first).
            models.UniqueConstraint(
                fields=["volunteer", "kind"],
                condition=Q(status=DocumentStatus.PENDING),
                name="vetting_one_pending_per_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="vetting_by_status"),
            models.Index(fields=["valid_until"], condition=Q(status=DocumentStatus.APPROVED), name="vetting_approved"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.volunteer}"

    def clean(self):
        today = timezone.localdate()
        if self.kind == DocumentKind.CRIMINAL_RECORD and self.issued_on is None:
            raise ValidationError(
                {"issued_on": _("Indiquez la date de l'extrait : elle est imprimée en haut du bulletin n° 3.")}
            )
        if self.issued_on and self.issued_on > today:
            raise ValidationError({"issued_on": _("Cette date est dans le futur : vérifiez-la sur le document.")})
        if self.kind == DocumentKind.CRIMINAL_RECORD and self.issued_on and self.record_ends_on < today:
            raise ValidationError(
                {
                    "issued_on": _(
                        "Cet extrait date de plus de %(days)s jours : il n'est plus accepté. Demandez-en un nouveau, "
                        "c'est gratuit et il arrive en quelques jours."
                    )
                    % {"days": settings.VETTING_RECORD_VALID_DAYS}
                }
            )

    @property
    def record_ends_on(self):
        """The last day an extract counts, from the date printed on it."""
        return self.issued_on + timedelta(days=settings.VETTING_RECORD_VALID_DAYS)

    @property
    def is_valid(self) -> bool:
        return (
            self.status == DocumentStatus.APPROVED
            and self.valid_until is not None
            and self.valid_until >= timezone.localdate()
        )

    def may_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class VettingDocumentAccess(AccessRecord):
    """Who opened which volunteer's document, when: append-only, like the requests' access log (a PostgreSQL trigger
    refuses changes too, migration 0007). Nothing done on deletion: the log outlives the document and the account."""

    document = models.ForeignKey(
        VettingDocument,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("justificatif"),
    )
    volunteer = models.ForeignKey(
        VolunteerProfile,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("bénévole"),
    )
    path = models.CharField(_("page"), max_length=300)

    class Meta:
        verbose_name = _("consultation d'un justificatif")
        verbose_name_plural = _("journal des consultations de justificatifs")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} — {self.document_id}"
