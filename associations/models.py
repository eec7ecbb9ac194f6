from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from associations.enums import AssociationStatus, MemberRole, OrganisationKind


class AssociationQuerySet(models.QuerySet):
    def validated(self):
        return self.filter(status=AssociationStatus.VALIDATED)


class Association(models.Model):
    """Any organisation that acts: association, commune or CCAS, home-help service, département service."""

    kind = models.CharField(_("type de structure"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=20, choices=AssociationStatus.choices, default=AssociationStatus.PENDING
    )
    commune = models.ForeignKey("core.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    description = models.TextField(_("présentation"), blank=True)
    contact_email = models.EmailField(_("adresse électronique de contact"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="associations")

    objects = AssociationQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        constraints = [models.UniqueConstraint(fields=["association", "user"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} — {self.association} ({self.get_role_display()})"
