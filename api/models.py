import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.enums import Scope
from core.models import AppendOnly

# What a token starts with, so that a secret pasted where it should not be (a log, a ticket, a repository) is
# recognised for what it is. The rest is 32 random bytes: hashing it once with SHA-256 is enough, as a password
# hasher's slowness only protects secrets that people choose.
TOKEN_MARK = "e54_"
PREFIX_LENGTH = len(TOKEN_MARK) + 8
# last_used_at is written at most this often: a busy integration does not update its token's row on every call.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def validate_scopes(value) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(Scope.values):
        raise ValidationError(_("Choisissez au moins une permission parmi celles proposées."))


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def matching(self, secret: str):
        """The token this secret belongs to, revoked or not (the caller tells them apart), or None."""
        return self.select_related("organisation").filter(secret_hash=token_digest(secret)).first()


class ApiToken(models.Model):
    """A key an organisation gives its software (a commune's website, a SAAD's planning tool) to call the API on
    its behalf. The secret is shown once when the token is made; only its SHA-256 digest is kept."""

    organisation = models.ForeignKey(
        "associations.Association", on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("structure")
    )
    name = models.CharField(
        _("nom"), max_length=100, help_text=_("Pour vous y retrouver, par exemple « Site de la mairie ».")
    )
    # The secret's first characters, shown in lists so that a token can be told from another without its secret.
    prefix = models.CharField(_("début du jeton"), max_length=PREFIX_LENGTH, editable=False)
    secret_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True, editable=False)
    # A list of Scope values: a JSON list works on PostgreSQL and on the SQLite of `make run` alike.
    scopes = models.JSONField(_("permissions"), default=list, validators=[validate_scopes])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("révoqué par"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def scope_labels(self) -> list[str]:
        return [str(Scope(scope).label) for scope in Scope.values if scope in self.scopes]

    def set_new_secret(self) -> str:
        """Draws the secret, keeps its digest and prefix, and returns it: the only moment it can be shown."""
        secret = TOKEN_MARK + secrets.token_urlsafe(32)
        self.prefix, self.secret_hash = secret[:PREFIX_LENGTH], token_digest(secret)
        return secret

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def revoke(self, *, by) -> None:
        if self.is_revoked:
            return
        self.revoked_at, self.revoked_by = timezone.now(), by
        self.save(update_fields=["revoked_at", "revoked_by"])

    def mark_used(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class ApiCall(AppendOnly):
    """One call made with a token, whatever its answer (refusals included): who called what, when, and what they
    got. Append-only like the access logs (the model and, on PostgreSQL, a trigger refuse changes); it holds no
    personal data, only the path and the status."""

    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True, editable=False)
    # No constraint and nothing done on deletion: deleting a token or an organisation must not rewrite the log.
    token = models.ForeignKey(
        ApiToken,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("jeton"),
    )
    organisation = models.ForeignKey(
        "associations.Association",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("structure"),
    )
    method = models.CharField(_("méthode"), max_length=10)
    path = models.CharField(_("adresse"), max_length=300)
    status = models.PositiveSmallIntegerField(_("code de réponse"))

    class Meta:
        verbose_name = _("appel à l'API")
        verbose_name_plural = _("journal des appels à l'API")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "-at"], name="api_call_token_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.method} {self.path} {self.status}"


class IdempotencyKey(models.Model):
    """The first answer to a call sent with an `Idempotency-Key` header, kept IDEMPOTENCY_KEY_HOURS for that token:
    the same key again with the same body gets that answer again and changes nothing; with another body, a problem.
    The row is written in the transaction that files the request, so that two calls sent at once with one key file
    once (the unique constraint makes the second wait for the first, then read its answer)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+", verbose_name=_("jeton"))
    key = models.CharField(_("clé"), max_length=255)
    # SHA-256 of the body as JSON with sorted keys: the same data written otherwise is the same call.
    body_digest = models.CharField(_("empreinte du corps"), max_length=64)
    status = models.PositiveSmallIntegerField(_("code de réponse"))
    response = models.JSONField(_("réponse"))
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("clé d'idempotence")
        verbose_name_plural = _("clés d'idempotence")
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_key_per_token")]

    def __str__(self):
        return self.key
