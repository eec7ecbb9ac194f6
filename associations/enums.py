from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    COMMUNE = "commune", _("Commune ou CCAS")
    HOME_HELP = "home_help", _("Service d'aide à domicile (SAAD)")
    DEPARTEMENT_SERVICE = "departement_service", _("Service du département")
    OTHER = "other", _("Autre structure")


# The kinds of organisation whose members file help requests for the people they look after (requests_app.partners):
# a commune or its CCAS, a home-help service, a service of the département know their residents and their needs, as
# the hotline would learn them on the phone. An association asks through the hotline or the public form, as anyone.
PARTNER_KINDS = frozenset({OrganisationKind.COMMUNE, OrganisationKind.HOME_HELP, OrganisationKind.DEPARTEMENT_SERVICE})


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
