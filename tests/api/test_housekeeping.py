from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from api.models import ApiCall, IdempotencyKey
from api.tasks import housekeeping_apply
from tests.api.factories import ApiTokenFactory

pytestmark = pytest.mark.django_db


def test_old_idempotency_keys_and_call_log_lines_go_and_recent_ones_stay():
    token = ApiTokenFactory()
    now = timezone.now()
    for key, age in (("vieille", timedelta(hours=25)), ("recente", timedelta(hours=23))):
        IdempotencyKey.objects.create(
            token=token, key=key, body_digest="0" * 64, status=201, response={}, created_at=now - age
        )
    for path, age in (("/ancien/", timedelta(days=400)), ("/recent/", timedelta(days=300))):
        ApiCall.objects.create(
            token=token, organisation=token.organisation, method="GET", path=path, status=200, at=now - age
        )
    assert housekeeping_apply() == {"idempotency_keys": 1, "api_calls": 1}
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recente"]
    assert list(ApiCall.objects.values_list("path", flat=True)) == ["/recent/"]


def test_the_call_log_refuses_changes_in_the_database_itself():
    token = ApiTokenFactory()
    ApiCall.objects.create(token=token, organisation=token.organisation, method="GET", path="/x/", status=200)
    with pytest.raises(DatabaseError), transaction.atomic():
        ApiCall.objects.update(status=500)
    with pytest.raises(DatabaseError), transaction.atomic():
        ApiCall.objects.all().delete()
