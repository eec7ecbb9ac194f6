"""Check-in campaigns: registers of vulnerable people a CCAS or the département hands over, the campaigns that call
them, the call sheets that split a campaign between callers, and each call's outcome.

A register entry is personal data kept for one purpose, the campaign: it is erased REGISTER_RETENTION_DAYS after
the last campaign that uses it closes (campaigns/retention.py). What statistics need (commune, state, outcomes,
dates) stays on the campaign's own rows, which do not name anyone.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from campaigns.enums import (
    CAMPAIGN_TRANSITIONS,
    FINAL_OUTCOME_STATE,
    STAFF_FOLLOW_UP_STATES,
    UNANSWERED_OUTCOMES,
    CallOutcome,
    CampaignStatus,
    ConsentBasis,
    EntryState,
    RegisterAccessReason,
)
from core.models import AccessRecord
from volunteers.enums import VolunteerStatus


class TransitionNotAllowed(Exception):
    pass


class RegisterQuerySet(models.QuerySet):
    def not_erased(self):
        return self.filter(erased_at__isnull=True)


class Register(models.Model):
    """One imported file: the list a CCAS or the département keeps of people who may be called."""

    name = models.CharField(_("nom du registre"), max_length=200)
    source_organisation = models.CharField(
        _("organisme qui l'a transmis"), max_length=200, help_text=_("Par exemple : CCAS de Toul, Département.")
    )
    purpose = models.CharField(
        _("finalité"),
        max_length=300,
        default=_("Prendre des nouvelles des personnes isolées et vulnérables pendant la crise"),
    )
    file_name = models.CharField(_("fichier importé"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("importé par"),
    )
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now, editable=False)
    # Set by the retention task once the entries are gone: the register stays as the trace of an import.
    erased_at = models.DateTimeField(_("effacé le"), null=True, blank=True, editable=False)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("registre")
        verbose_name_plural = _("registres")
        ordering = ["-imported_at"]

    def __str__(self):
        return self.name


class RegisterEntry(models.Model):
    """One person on a register. No entry without a consent basis and its date: the import refuses the line."""

    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="entries", verbose_name=_("registre")
    )
    line_number = models.PositiveIntegerField(_("ligne du fichier"))
    last_name = models.CharField(_("nom"), max_length=120)
    first_name = models.CharField(_("prénom"), max_length=120, blank=True)
    phone = PhoneNumberField(_("téléphone"), db_index=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    commune = models.ForeignKey(
        "core.Commune", on_delete=models.PROTECT, related_name="register_entries", verbose_name=_("commune")
    )
    consent_basis = models.CharField(_("base du consentement"), max_length=20, choices=ConsentBasis.choices)
    consent_date = models.DateField(_("date du consentement"))
    notes = models.TextField(_("notes"), max_length=1000, blank=True)
    # Known to the portal already: the caller sees it, staff may merge what comes of the call.
    possible_duplicate_request = models.ForeignKey(
        "requests_app.HelpRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déjà connue : demande"),
    )
    created_at = models.DateTimeField(_("importée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("personne inscrite")
        verbose_name_plural = _("personnes inscrites")
        ordering = ["register", "line_number"]
        constraints = [
            models.CheckConstraint(condition=~Q(consent_basis=""), name="register_entry_has_consent_basis"),
        ]

    def __str__(self):
        # Not the name: this string lands in the admin's history, which retention does not erase.
        return f"inscrit n° {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CallerVettingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(volunteer__status=VolunteerStatus.ACTIVE, volunteer__is_eligible=True)


class CallerVetting(models.Model):
    """A volunteer staff trust to call a register's people (an interview, a reference): only they, and hotline
    agents, may be given a call sheet. Removing the row withdraws the trust."""

    volunteer = models.OneToOneField(
        "volunteers.VolunteerProfile",
        on_delete=models.CASCADE,
        related_name="caller_vetting",
        verbose_name=_("bénévole"),
    )
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("habilité par"),
    )
    vetted_at = models.DateTimeField(_("habilité le"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = CallerVettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("bénévole habilité aux appels")
        verbose_name_plural = _("bénévoles habilités aux appels")

    def __str__(self):
        return f"habilitation n° {self.pk}"


class CampaignQuerySet(models.QuerySet):
    def running(self):
        return self.filter(status=CampaignStatus.RUNNING)


class Campaign(models.Model):
    """ "Appel de tous les inscrits de l'EPCI de Toul avant vendredi": the people of some registers within a scope,
    frozen as CampaignEntry rows when the campaign is created."""

    name = models.CharField(_("nom"), max_length=200)
    registers = models.ManyToManyField(Register, related_name="campaigns", verbose_name=_("registres"))
    # The scope: the union of these communes, EPCIs and arrondissements; all three empty means the whole registers.
    communes = models.ManyToManyField("core.Commune", blank=True, related_name="+", verbose_name=_("communes"))
    epcis = models.ManyToManyField("core.Epci", blank=True, related_name="+", verbose_name=_("intercommunalités"))
    arrondissements = models.ManyToManyField(
        "core.Arrondissement", blank=True, related_name="+", verbose_name=_("arrondissements")
    )
    deadline = models.DateField(_("à terminer avant le"))
    script = models.TextField(
        _("texte lu au téléphone"),
        max_length=3000,
        help_text=_("Ce que l'appelant dit en se présentant et les questions à poser."),
    )
    status = models.CharField(
        _("état"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("lancée le"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne d'appels")
        verbose_name_plural = _("campagnes d'appels")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def transition(self, to: CampaignStatus) -> None:
        if to not in CAMPAIGN_TRANSITIONS[self.status]:
            raise TransitionNotAllowed(f"{self.status} → {to}")
        self.status = to
        now = timezone.now()
        if to == CampaignStatus.RUNNING:
            self.started_at = now
        if to == CampaignStatus.CLOSED:
            self.closed_at = now
        self.save(update_fields=["status", "started_at", "closed_at"])

    @property
    def erasure_due_at(self):
        return self.closed_at + timedelta(days=settings.REGISTER_RETENTION_DAYS) if self.closed_at else None


class CallSheet(models.Model):
    """The part of a campaign one caller makes: a volunteer vetted for calls or a hotline agent."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("campagne"))
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="call_sheets",
        verbose_name=_("appelant"),
    )
    number = models.PositiveSmallIntegerField(_("fiche n°"))
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("fiche d'appel")
        verbose_name_plural = _("fiches d'appel")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="call_sheet_number_once")]

    def __str__(self):
        return f"{self.campaign} — fiche {self.number}"


class CampaignEntryQuerySet(models.QuerySet):
    def to_call(self):
        return self.filter(state=EntryState.TO_CALL)

    def for_staff_follow_up(self):
        """The "sans réponse" list: people nobody reached by phone, whom the commune may visit."""
        return self.filter(state__in=STAFF_FOLLOW_UP_STATES)

    def for_caller(self, user):
        return self.filter(sheet__caller=user)


class CampaignEntry(models.Model):
    """One person in one campaign and where they stand. The commune is copied so that the campaign's figures survive
    the erasure of the register entry."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="entries", verbose_name=_("campagne")
    )
    entry = models.ForeignKey(
        RegisterEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_entries",
        verbose_name=_("personne inscrite"),
    )
    commune = models.ForeignKey("core.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    sheet = models.ForeignKey(
        CallSheet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("fiche d'appel"),
    )
    position = models.PositiveIntegerField(_("ordre sur la fiche"), default=0)
    state = models.CharField(_("état"), max_length=12, choices=EntryState.choices, default=EntryState.TO_CALL)
    state_changed_at = models.DateTimeField(_("état changé le"), default=timezone.now)
    # "Besoin d'aide": the request filed in the normal queue, with Source.CAMPAIGN.
    help_request = models.ForeignKey(
        "requests_app.HelpRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_entries",
        verbose_name=_("demande créée"),
    )

    objects = CampaignEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("personne à appeler")
        verbose_name_plural = _("personnes à appeler")
        ordering = ["campaign", "sheet", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "entry"], condition=Q(entry__isnull=False), name="campaign_entry_once"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "state"], name="campaign_entry_state")]

    def __str__(self):
        return f"{self.campaign} — n° {self.pk}"

    def state_after(self, outcome: CallOutcome, unanswered_tries: int) -> EntryState:
        """The one rule from a call's outcome to the person's state: a final outcome decides; "pas de réponse" or
        "message laissé" leave the person to call until CAMPAIGN_MAX_CALL_ATTEMPTS unanswered tries."""
        if outcome in FINAL_OUTCOME_STATE:
            return FINAL_OUTCOME_STATE[outcome]
        if outcome in UNANSWERED_OUTCOMES and unanswered_tries >= settings.CAMPAIGN_MAX_CALL_ATTEMPTS:
            return EntryState.UNREACHABLE
        return EntryState.TO_CALL


class CallAttempt(models.Model):
    """One call: who made it, when, what it gave. The note is erased with the register; the outcome stays."""

    campaign_entry = models.ForeignKey(
        CampaignEntry, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("personne appelée")
    )
    sheet = models.ForeignKey(
        CallSheet, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("fiche")
    )
    outcome = models.CharField(_("résultat"), max_length=12, choices=CallOutcome.choices)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    # Typed back in from a paper sheet, after the fact: the time is the one written on the sheet, if any.
    from_paper = models.BooleanField(_("saisi depuis une fiche papier"), default=False)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["campaign_entry", "at"]

    def __str__(self):
        return f"appel n° {self.pk}"


class RegisterAccessLog(AccessRecord):
    """Who saw a register's people, when and why: the register's own access log, with the guarantees of
    requests_app.AccessLog (append-only in the model and, on PostgreSQL, by a trigger; kept ACCESS_LOG_DAYS).
    Its own table because a register entry is not a request, and requests_app may not know this app."""

    # No constraint, nothing done on deletion: erasing the register must not rewrite the log, which keeps numbers.
    register = models.ForeignKey(
        Register,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registre"),
    )
    entry = models.ForeignKey(
        RegisterEntry,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne inscrite"),
    )
    reason = models.CharField(_("motif"), max_length=12, choices=RegisterAccessReason.choices)
    path = models.CharField(_("page"), max_length=300)
    # What a line without a person names: a file looked at before import ("registre-toul.csv : 120 lignes").
    detail = models.CharField(_("précision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("accès à un registre")
        verbose_name_plural = _("journal des accès aux registres")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} {self.get_reason_display()}"
