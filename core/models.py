import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import Domain, Proximity, Vetting


def search_key(text: str) -> str:
    """Lower-case, accent-free, hyphen-free form so that "vandoeuvre les nancy" finds Vandœuvre-lès-Nancy."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(ascii_text.lower().replace("-", " ").replace("'", " ").replace("’", " ").split())


class AppendOnly(models.Model):
    """A record that is written once and then only read: an access log. The model refuses any change or deletion;
    each table also has a PostgreSQL trigger refusing them (its app's migrations), for whoever goes round the ORM.
    Lines go only by the retention's queryset delete, which the trigger allows once they are old enough."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")


class AccessRecord(AppendOnly):
    """A line of an access log: who (the account, and its address as it was, to say who once the account is gone)
    opened what, when. No database constraint and nothing done on deletion: deleting an account must not rewrite the
    log, which keeps the number. Each log adds what was opened."""

    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    user_email = models.CharField(_("adresse du compte"), max_length=254)

    class Meta:
        abstract = True


class Arrondissement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=4, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("arrondissement")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Epci(models.Model):
    """An intercommunality (métropole, communauté d'agglomération or de communes), by its SIREN."""

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        verbose_name = _("intercommunalité (EPCI)")
        verbose_name_plural = _("intercommunalités (EPCI)")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def in_departement(self, code: str):
        return self.filter(departement=code)

    def search(self, text: str):
        """Communes whose name or postal code starts with what was typed, best matches first."""
        text = text.strip()
        if text.isdigit():
            return self.filter(postal_codes__contains=text).order_by("-population", "name")
        key = search_key(text)
        if not key:
            return self.none()
        return self.filter(search_name__contains=key).order_by(
            models.Case(models.When(search_name__startswith=key, then=0), default=1), "-population", "name"
        )


class Commune(models.Model):
    insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    search_name = models.CharField(max_length=100, editable=False, db_index=True)
    # Space-separated: a commune has one or two codes and a code serves many communes.
    postal_codes = models.CharField(_("codes postaux"), max_length=60)
    departement = models.CharField(_("département"), max_length=3, db_index=True)
    epci = models.ForeignKey(
        Epci,
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
        verbose_name=_("intercommunalité"),
    )
    arrondissement = models.ForeignKey(
        Arrondissement,
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
        verbose_name=_("arrondissement"),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.postal_code_list[0]})" if self.postal_codes else self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()

    def proximity_to(self, other: "Commune") -> Proximity:
        """The tier two communes share, compared on keys only so it costs no query."""
        if self.pk == other.pk:
            return Proximity.SAME_COMMUNE
        if self.departement != other.departement:
            return Proximity.ELSEWHERE
        if self.epci_id and self.epci_id == other.epci_id:
            return Proximity.SAME_EPCI
        if self.arrondissement_id and self.arrondissement_id == other.arrondissement_id:
            return Proximity.SAME_ARRONDISSEMENT
        return Proximity.SAME_DEPARTEMENT


class HelpTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class HelpType(models.Model):
    """A kind of help people ask for, in one of the four domains; the catalogue is edited by staff."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    domain = models.CharField(_("domaine"), max_length=30, choices=Domain.choices)
    description = models.CharField(_("description"), max_length=250, blank=True)
    remote_ok = models.BooleanField(
        _("possible à distance"), default=False, help_text=_("Aucun déplacement nécessaire (appel, soutien scolaire).")
    )
    needs_vehicle_hint = models.BooleanField(_("véhicule utile"), default=False)
    # Trust and safety (README, "Vetted volunteers"): hard filters of the matching and of mission applications.
    vetting = models.PositiveSmallIntegerField(
        _("vérification exigée"),
        choices=Vetting.choices,
        default=Vetting.NONE,
        help_text=_("Ce que l'équipe doit avoir vérifié avant de proposer cette aide à un bénévole."),
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("âge minimum"),
        null=True,
        blank=True,
        validators=[MinValueValidator(18), MaxValueValidator(99)],
        help_text=_("Vide : 18 ans, comme pour toute aide. Au-delà, l'année de naissance du bénévole est exigée."),
    )
    allows_advances = models.BooleanField(
        _("avance de frais possible"),
        default=False,
        help_text=_("Le bénévole peut avancer l'argent des courses et en demander le remboursement sur justificatif."),
    )
    is_active = models.BooleanField(_("proposé sur le formulaire"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    objects = HelpTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("type d'aide")
        verbose_name_plural = _("types d'aide")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class RateLimitCounter(models.Model):
    """Attempts counted in PostgreSQL while Redis, where rate limits are normally counted, is unreachable.

    One row per scope, hashed key and window (`core/ratelimit.py`): the hash, never the address or the phone
    number. Rows past their window are deleted by the nightly retention task.
    """

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("compteur de limite de fréquence")

    def __str__(self):
        return self.key


class Hotline(models.Model):
    """The hotline's number and opening hours as staff set them (on the crisis page's "Qui appeler"), in one row that
    every page, message and document reads through core.hotline. Blank fields fall back to the settings
    HOTLINE_PHONE and HOTLINE_HOURS, the operator's defaults."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    phone = models.CharField(_("numéro de l'accueil téléphonique"), max_length=30, blank=True)
    hours = models.CharField(_("horaires de l'accueil téléphonique"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("accueil téléphonique")
        verbose_name_plural = _("accueil téléphonique")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="hotline_single_row")]

    def __str__(self):
        return self.phone or str(_("numéro par défaut"))

    def save(self, *args, **kwargs):
        from core import hotline  # core.hotline reads this model

        super().save(*args, **kwargs)
        hotline.refresh_on_commit()
