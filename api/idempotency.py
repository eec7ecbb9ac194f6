"""`Idempotency-Key`: a call that may be sent twice (a network cut before the answer came back) files once.

The key's row is inserted in the same transaction as what the call does. A second call with the key, sent while the
first runs, waits on the unique constraint (token, key) until the first commits, then reads its answer; if the first
fails (invalid data), its row goes with its transaction and the key is free again for a corrected call. An answer is
kept IDEMPOTENCY_KEY_HOURS (api.tasks.housekeeping removes it after), per token.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import IdempotencyKey
from api.problems import Problem
from api.renderers import FrenchJSONRenderer

KEY_MAX_LENGTH = 255


def body_digest(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def json_response(request, status: int, document: dict, headers=None) -> HttpResponse:
    response = HttpResponse(
        FrenchJSONRenderer().render(request, document, response_status=status),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def idempotent(request, key: str | None, body: dict, act: Callable[[], tuple[int, dict, dict]]) -> HttpResponse:
    """Runs `act` (which returns a status, a JSON document and headers) once per key, answering a repeat with the
    first answer, marked `Idempotent-Replayed: true`. Without a key, `act` simply runs."""
    if key is None:
        with transaction.atomic():
            return json_response(request, *act())
    key = key.strip()
    if not key or len(key) > KEY_MAX_LENGTH or not key.isprintable():
        raise Problem(
            400, _("L'en-tête Idempotency-Key doit contenir de 1 à 255 caractères imprimables."), slug="validation"
        )
    digest = body_digest(body)
    token = request.auth
    IdempotencyKey.objects.filter(
        token=token, key=key, created_at__lt=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    ).delete()
    with transaction.atomic():
        if key_claimed(token, key, digest):
            status, document, headers = act()
            response = json_response(request, status, document, headers)
            IdempotencyKey.objects.filter(token=token, key=key).update(
                status=status, response={"body": json.loads(response.content), "headers": headers}
            )
            return response
    first = IdempotencyKey.objects.get(token=token, key=key)
    if first.body_digest != digest:
        raise Problem(
            422,
            _(
                "Cette clé d'idempotence a déjà servi, avec un autre contenu, pour un dépôt de ce jeton. Utilisez une "
                "nouvelle clé pour chaque nouvelle demande."
            ),
            slug="cle-idempotence-reutilisee",
        )
    return json_response(
        request, first.status, first.response["body"], {**first.response["headers"], "Idempotent-Replayed": "true"}
    )


def key_claimed(token, key: str, digest: str) -> bool:
    """Inserts the key's row, or says another call holds it. A concurrent call holding the same key makes this
    insert wait until that call commits (then the key is taken) or rolls back (then it is ours)."""
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(token=token, key=key, body_digest=digest, status=0, response={})
    except IntegrityError:
        return False
    return True
