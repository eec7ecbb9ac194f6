"""Triage at volume: the admin queue, its filters and searches, the tracking page and the hotline lookup
with 100,000 requests in PostgreSQL. Run with `make bench-triage`; figures go to BENCHMARKS.md.

Times are wall-clock medians and 95th percentiles of the whole Django request (ORM, templates), measured
in-process with the test client, so they exclude the network and the WSGI server.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entraide.settings.test")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/entraide_bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import staff_group_ensure  # noqa: E402
from bench.common import BATCH, database_ready, progress  # noqa: E402
from core.models import Commune, HelpType  # noqa: E402
from requests_app.models import HelpRequest  # noqa: E402
from requests_app.references import new_reference, new_tracking_token  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))


def seed() -> None:
    existing = HelpRequest.objects.count()
    if existing >= REQUESTS:
        return
    rng = random.Random(54)
    communes = list(Commune.objects.values_list("insee", flat=True))
    help_types = list(HelpType.objects.values_list("pk", "domain"))
    now = timezone.now()
    for start in range(existing, REQUESTS, BATCH):
        batch = []
        for index in range(start, min(start + BATCH, REQUESTS)):
            help_type_id, domain = rng.choice(help_types)
            batch.append(
                HelpRequest(
                    reference=new_reference(),
                    tracking_token=new_tracking_token(),
                    status=rng.choice(["new", "triaged", "done", "cancelled", "routed", "assigned"]),
                    requester_name=f"Personne {index}",
                    requester_phone=f"+3361{index:07d}",
                    commune_id=rng.choice(communes),
                    help_type_id=help_type_id,
                    domain=domain,
                    description="Courses de la semaine",
                    urgency=rng.choice([1, 2, 2, 3]),
                    lives_alone=rng.random() < 0.4,
                    consent_at=now,
                    created_at=now - timezone.timedelta(minutes=rng.randrange(0, 60 * 24 * 60)),
                )
            )
        HelpRequest.objects.bulk_create(batch, batch_size=BATCH)
        progress("requests", start + len(batch), REQUESTS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm caches
    timings = []
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18], len(queries)


def main() -> None:
    database_ready()
    seed()

    staff, _ = User.objects.get_or_create(email="bench@entraide54.fr", defaults={"is_staff": True})
    staff.groups.add(staff_group_ensure())
    client = Client()
    client.force_login(staff)
    sample = HelpRequest.objects.order_by("?").first()
    pages = {
        "triage queue (admin changelist)": "/admin/requests_app/helprequest/",
        "queue, open requests only": "/admin/requests_app/helprequest/?file=ouvertes",
        "queue by EPCI and vulnerability": "/admin/requests_app/helprequest/?epci=245400676&vulnerabilite=seule",
        "search by phone": "/admin/requests_app/helprequest/?q=06+10+00+12+34",
        "search by reference": f"/admin/requests_app/helprequest/?q={sample.reference.lower()}",
        "request change page": f"/admin/requests_app/helprequest/{sample.pk}/change/",
        "hotline lookup": "/accueil-telephonique/?telephone=0610001234",
        "tracking page": f"/demandes/suivi/{sample.tracking_token}/",
        "public form": "/demandes/nouvelle/",
    }  # fmt: skip
    print(f"{HelpRequest.objects.count():,} requests, {ROUNDS} rounds per page\n")
    print("| page | median ms | p95 ms | queries |\n|---|---:|---:|---:|")
    for label, url in pages.items():
        median, p95, queries = measure(client if "suivi" not in url else Client(), url)
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
