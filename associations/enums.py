from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    COMMUNE = "commune", _("Commune ou CCAS")
    HOME_HELP = "home_help", _("Service d'aide à domicile (SAAD)")
    DEPARTEMENT_SERVICE = "departement_service", _("Service du département")
    OTHER = "other", _("Autre structure")


class AssociationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    VALIDATED = "validated", _("Validée")
    SUSPENDED = "suspended", _("Suspendue")


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    MEMBER = "member", _("Membre")


class MissionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    CLOSED = "closed", _("Close")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    WITHDRAWN = "withdrawn", _("Retirée")
