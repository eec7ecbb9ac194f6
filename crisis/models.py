import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crisis import signals
from crisis.enums import Section


class HealthRulesQuerySet(models.QuerySet):
    def current(self) -> "HealthRules | None":
        """The rules in force: the latest version whose date has come."""
        return self.filter(effective_on__lte=timezone.localdate()).order_by("-version").first()

    def current_version(self) -> int | None:
        return (
            self.filter(effective_on__lte=timezone.localdate())
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )

    def claim_announcement(self, rules: "HealthRules") -> bool:
        """True once per version in force, for whoever announces it first: a task run twice (a retry, the broker's
        redelivery) finds it already claimed and sends nothing. Rules published for a later date are not claimed
        before it: volunteers learn of them the morning they apply (matching.tasks.announce_health_rules_in_force)."""
        return bool(
            self.filter(pk=rules.pk, announced_at__isnull=True, effective_on__lte=timezone.localdate()).update(
                announced_at=timezone.now()
            )
        )


class HealthRules(models.Model):
    """The health rules every volunteer must follow on an assignment, edited by staff. Never changed once
    published: a change is a new version, so that what a volunteer accepted (Proposal.health_rules_version) stays
    readable."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    effective_on = models.DateField(_("en vigueur à partir du"), default=timezone.localdate)
    text = models.TextField(_("consignes"), max_length=4000)
    summary = models.CharField(
        _("résumé pour les SMS"),
        max_length=90,
        help_text=_("Une phrase courte, reprise dans les SMS de proposition (90 caractères au plus)."),
    )
    published_at = models.DateTimeField(_("publiées le"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("publiées par"),
    )
    # When the volunteers with live assignments were told of this version (matching.notices): once per version.
    announced_at = models.DateTimeField(_("annoncées aux bénévoles le"), null=True, blank=True, editable=False)

    objects = HealthRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("consignes sanitaires")
        verbose_name_plural = _("consignes sanitaires")
        ordering = ["-version"]

    def __str__(self):
        return _("Consignes sanitaires, version %(version)s du %(date)s") % {
            "version": self.version,
            "date": self.effective_on.strftime("%d/%m/%Y"),
        }

    VERSION_ATTEMPTS = 5

    def save(self, *args, **kwargs):
        """A new row takes the next version number. Two staff publishing at the same moment would read the same
        highest version: the second insert then waits on the unique index, fails once the first commits, and
        tries again with the number after it. A published version is never saved again."""
        if self.pk is not None:
            raise ValueError("Published health rules are never changed: publish a new version instead.")
        for attempt in range(self.VERSION_ATTEMPTS):
            self.version = (HealthRules.objects.aggregate(last=Max("version"))["last"] or 0) + 1
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                break
            except IntegrityError:
                if attempt == self.VERSION_ATTEMPTS - 1:
                    raise
        rules = self
        transaction.on_commit(lambda: signals.health_rules_published.send(sender=HealthRules, rules=rules))


class CrisisUpdateQuerySet(models.QuerySet):
    def latest_per_section(self) -> dict[str, "CrisisUpdate"]:
        """What the crisis page shows: the last version of each section."""
        last_ids = self.values("section").annotate(last=Max("pk")).values("last")
        return {update.section: update for update in self.filter(pk__in=last_ids)}

    def urgent(self, now=None):
        """Updates whose banner shows on every page: marked urgent, not cleared by staff, not past their date."""
        now = now or timezone.now()
        return self.filter(urgent=True, banner_cleared_at__isnull=True).filter(
            Q(urgent_until__isnull=True) | Q(urgent_until__gt=now)
        )


class CrisisUpdate(models.Model):
    """One version of one section of the crisis page (/crise/). Each edit by staff is a new row, so that the page's
    history says what changed when; a row is never changed after, except for the end of its urgent banner."""

    section = models.CharField(_("rubrique"), max_length=20, choices=Section.choices)
    text = models.TextField(
        _("texte"),
        max_length=4000,
        help_text=_("Des phrases courtes. Une ligne vide sépare deux paragraphes."),
    )
    change = models.CharField(
        _("ce qui change"),
        max_length=200,
        help_text=_("Une phrase, lue dans l'historique et, si la mise à jour est urgente, dans le bandeau."),
    )
    # The hotline as this version of "Qui appeler" set it; the site reads it from core.Hotline (core.hotline).
    hotline_phone = models.CharField(_("numéro de l'accueil téléphonique"), max_length=30, blank=True)
    hotline_hours = models.CharField(_("horaires de l'accueil téléphonique"), max_length=100, blank=True)
    urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("Affiche un bandeau sur toutes les pages du portail jusqu'à la date de fin ou son retrait."),
    )
    urgent_until = models.DateTimeField(_("bandeau affiché jusqu'au"), null=True, blank=True)
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("publiée par"),
    )
    banner_cleared_at = models.DateTimeField(_("bandeau retiré le"), null=True, blank=True, editable=False)
    banner_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("bandeau retiré par"),
    )

    objects = CrisisUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("mise à jour de la page crise")
        verbose_name_plural = _("mises à jour de la page crise")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["section", "-published_at"], name="crisis_update_section")]
        constraints = [
            models.CheckConstraint(
                condition=Q(urgent=True) | Q(urgent_until__isnull=True), name="crisis_update_until_only_if_urgent"
            ),
        ]

    def __str__(self):
        return f"{self.get_section_display()} — {timezone.localtime(self.published_at):%d/%m/%Y %H:%M}"

    def clean(self):
        errors = {}
        if self.hotline_phone:
            try:
                number = phonenumbers.parse(self.hotline_phone, settings.PHONENUMBER_DEFAULT_REGION)
            except phonenumbers.NumberParseException:
                number = None
            if number is None or not phonenumbers.is_valid_number(number):
                errors["hotline_phone"] = _("Ce numéro n'est pas valide. Écrivez-le comme 03 83 94 54 54.")
        if self.urgent_until and not self.urgent:
            errors["urgent_until"] = _("Une date de fin ne sert que pour une mise à jour urgente.")
        elif self.urgent_until and self.urgent_until <= timezone.now():
            errors["urgent_until"] = _("Cette date est déjà passée : le bandeau ne s'afficherait pas.")
        if errors:
            raise ValidationError(errors)

    @property
    def banner_shown(self) -> bool:
        return (
            self.urgent
            and self.banner_cleared_at is None
            and (self.urgent_until is None or self.urgent_until > timezone.now())
        )

    def clear_banner(self, *, by) -> bool:
        """Staff take the banner down before its date. Returns whether it was showing."""
        from crisis import banner

        if not self.banner_shown:
            return False
        self.banner_cleared_at, self.banner_cleared_by = timezone.now(), by
        self.save(update_fields=["banner_cleared_at", "banner_cleared_by"])
        banner.refresh_on_commit()
        return True
