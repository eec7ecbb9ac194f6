import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.enums import (
    PARTNER_KINDS,
    ApplicationStatus,
    AssociationStatus,
    MemberRole,
    MissionStatus,
    OrganisationKind,
)
from core.enums import Domain, domain_bit, mask_to_domains

INVITATION_VALIDITY = timedelta(days=14)


class AssociationQuerySet(models.QuerySet):
    def validated(self):
        return self.filter(status=AssociationStatus.VALIDATED)

    def with_domain(self, code: str):
        return self.alias(_domain_bit=F("domains").bitand(domain_bit(code))).filter(_domain_bit__gt=0)

    def covering(self, commune):
        """Organisations that act in this commune: the whole département, its EPCI, or the commune itself."""
        return self.filter(
            Q(covers_whole_departement=True) | Q(epcis_covered=commune.epci_id) | Q(communes_covered=commune)
        ).distinct()


class Association(models.Model):
    """Any organisation that acts: association, commune or CCAS, home-help service, département service."""

    kind = models.CharField(_("type de structure"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    siret = models.CharField(_("numéro SIRET"), max_length=14, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=AssociationStatus.choices, default=AssociationStatus.PENDING
    )
    status_reason = models.CharField(_("motif"), max_length=500, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    commune = models.ForeignKey("core.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    # One bit per domain (core.enums.domain_bit), so "acts in this domain" is a test the database can do.
    domains = models.PositiveSmallIntegerField(_("domaines"), default=0)
    covers_whole_departement = models.BooleanField(_("agit dans tout le département"), default=False)
    epcis_covered = models.ManyToManyField(
        "core.Epci", blank=True, related_name="+", verbose_name=_("intercommunalités couvertes")
    )
    communes_covered = models.ManyToManyField(
        "core.Commune", blank=True, related_name="+", verbose_name=_("communes couvertes")
    )
    description = models.TextField(_("présentation"), blank=True)
    contact_email = models.EmailField(_("adresse électronique de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("statut changé le"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="associations", verbose_name=_("membres")
    )

    objects = AssociationQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(rna="") | ~Q(siret=""), name="association_has_rna_or_siret"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_validated(self) -> bool:
        return self.status == AssociationStatus.VALIDATED

    @property
    def is_partner(self) -> bool:
        """A commune or CCAS, a home-help service or a département service (PARTNER_KINDS): its space has the pages
        of the requests it files for its residents, which it may use once validated (`may_file_requests`)."""
        return self.kind in PARTNER_KINDS

    @property
    def may_file_requests(self) -> bool:
        """Whether its members may file help requests for the people they look after, from its space or through the
        API: a partner, validated and not suspended. Its requests are read as `association.filed_requests`."""
        return self.is_partner and self.is_validated

    @property
    def domain_list(self) -> list[str]:
        return [str(Domain(code).label) for code in mask_to_domains(self.domains)]

    def member_emails(self) -> list[str]:
        """Where news of the organisation goes: every member's address, each once."""
        return sorted(set(self.memberships.values_list("user__email", flat=True)))

    def validate(self):
        self._set_status(AssociationStatus.VALIDATED, "")

    def suspend(self, reason: str):
        self._set_status(AssociationStatus.SUSPENDED, reason)

    def _set_status(self, status: str, reason: str):
        self.status, self.status_reason, self.status_changed_at = status, reason, timezone.now()
        self.save(update_fields=["status", "status_reason", "status_changed_at"])


class Membership(models.Model):
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("structure")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("membre")
    )
    role = models.CharField(_("rôle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_at = models.DateTimeField(_("membre depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        constraints = [models.UniqueConstraint(fields=["association", "user"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} — {self.association} ({self.get_role_display()})"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("structure")
    )
    email = models.EmailField(_("adresse électronique"))
    role = models.CharField(_("rôle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    token = models.CharField(_("jeton"), max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invité par")
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")

    def __str__(self):
        return f"{self.email} → {self.association}"

    def save(self, *args, **kwargs):
        if not self.expires_at:
            self.expires_at = timezone.now() + INVITATION_VALIDITY
        super().save(*args, **kwargs)


class MissionQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published missions of validated organisations that have not ended."""
        return self.filter(
            status=MissionStatus.PUBLISHED,
            association__status=AssociationStatus.VALIDATED,
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))

    def with_accepted_count(self):
        """Each mission's accepted volunteers, counted for the missions shown only: a correlated subquery rather than
        a join grouped by mission, which made a list's count and page read every application of every mission
        (8 ms of a 20-mission page on the benchmark's 10,000 missions)."""
        accepted = (
            Application.objects.filter(mission=OuterRef("pk"), status=ApplicationStatus.ACCEPTED)
            .order_by()
            .values("mission")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(accepted_count=Coalesce(Subquery(accepted), 0))


class Mission(models.Model):
    """A need for volunteers posted by an organisation."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="missions", verbose_name=_("structure")
    )
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description"), max_length=5000)
    domain = models.CharField(_("domaine"), max_length=30, choices=Domain.choices)
    commune = models.ForeignKey(
        "core.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    # The kind of help, when the mission is one (childcare, shopping): its vetting and minimum age then apply to
    # applications as to proposals.
    help_type = models.ForeignKey(
        "core.HelpType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("type d'aide"),
        help_text=_("Facultatif. Une garde d'enfants exige par exemple un justificatif vérifié."),
    )
    is_remote = models.BooleanField(_("à distance"), default=False)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True, help_text=_("Vide : mission sans date de fin."))
    volunteers_needed = models.PositiveSmallIntegerField(
        _("bénévoles recherchés"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    skills = models.CharField(_("compétences souhaitées"), max_length=300, blank=True)
    schedule = models.CharField(_("horaires"), max_length=200, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=MissionStatus.choices, default=MissionStatus.DRAFT)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    # What software that imports missions (the open API's `updated_since`) asks: has anything of it changed since?
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mission")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "domain", "-published_at"], name="mission_public_list")]
        constraints = [
            models.CheckConstraint(condition=Q(is_remote=True) | Q(commune__isnull=False), name="mission_has_place"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="mission_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(volunteers_needed__gte=1), name="mission_needs_someone"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # auto_now is written only when named: a change saved with update_fields (publish, close) is a change too.
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    @property
    def place(self) -> str:
        return str(_("À distance")) if self.is_remote else self.commune.name

    def is_full(self, accepted_count: int | None = None) -> bool:
        if accepted_count is None:
            accepted_count = getattr(self, "accepted_count", None)
        if accepted_count is None:
            accepted_count = self.applications.filter(status=ApplicationStatus.ACCEPTED).count()
        return accepted_count >= self.volunteers_needed


class Application(models.Model):
    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="applications", verbose_name=_("mission")
    )
    # Kept with a NULL volunteer when the account is deleted: the organisation's history stays whole.
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="applications",
        verbose_name=_("bénévole"),
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )

    class Meta:
        verbose_name = _("candidature")
        ordering = ["-created_at"]
        constraints = [
            # One live application per volunteer and mission; withdrawn or declined ones may be followed by another.
            models.UniqueConstraint(
                fields=["mission", "volunteer"],
                condition=Q(status__in=[ApplicationStatus.PENDING, ApplicationStatus.ACCEPTED]),
                name="one_live_application_per_mission",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} → {self.mission}"


class NewsItemQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(association__status=AssociationStatus.VALIDATED)


class NewsItem(models.Model):
    """Information one organisation shares with the others: half of the platform's purpose."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="news", verbose_name=_("structure")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("auteur")
    )
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("texte"), max_length=3000)
    domain = models.CharField(_("domaine"), max_length=30, choices=Domain.choices, blank=True)
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now)

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("actualité")
        ordering = ["-published_at"]

    def __str__(self):
        return self.title
