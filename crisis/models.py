from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HealthRulesQuerySet(models.QuerySet):
    def current(self) -> "HealthRules | None":
        """The rules in force: the latest version whose date has come."""
        return self.filter(effective_on__lte=timezone.localdate()).order_by("-version").first()


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
