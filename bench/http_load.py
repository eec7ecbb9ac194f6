"""HTTP load benchmark: the portal under gunicorn with production settings, driven by Locust from another process.

Run with `make bench-http`. It seeds its own PostgreSQL database once (kept between runs: 10,000 missions,
100,000 requests, 100,000 volunteers), starts gunicorn (DEBUG off, Redis cache, 3 sync workers as in the
Dockerfile) and runs Locust headless twice:

1. saturation, page by page: SATURATION_USERS users with no wait for SATURATION_SECONDS; the throughput is
   requests per second, set against the bare view's (`bench/http_urls.py`: the whole middleware chain, no
   template, no query);
2. a fixed rate: RATE users at one task a second each, on the weighted mix of `bench/locustfile.py`, for
   MIXED_SECONDS; p50 and p95 per page.

The public form's rate limits would refuse the benchmark's POSTs after 20 an hour: they are lifted for the run
unless BENCH_KEEP_RATE_LIMITS=1. Cookies are not marked Secure (plain HTTP on the loopback; production sends
them over TLS only). Locust shares the machine's cores with gunicorn and PostgreSQL: its own CPU use is reported.
Figures go to var/bench-http/ (report.md, Locust's CSV files, gunicorn's log); copy them to BENCHMARKS.md.
BENCH_SEED_ONLY=1 seeds and stops.
"""

import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench-http"
BIN = Path(sys.executable).parent

MISSIONS = int(os.environ.get("BENCH_MISSIONS", "10000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100000"))
VOLUNTEERS = int(os.environ.get("BENCH_VOLUNTEERS", "100000"))
ASSOCIATIONS = MISSIONS // 20
PORT = int(os.environ.get("BENCH_PORT", "8754"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
SATURATION_USERS = int(os.environ.get("SATURATION_USERS", "16"))
SATURATION_SECONDS = int(os.environ.get("SATURATION_SECONDS", "20"))
RATE = int(os.environ.get("RATE", "100"))
MIXED_SECONDS = int(os.environ.get("MIXED_SECONDS", "60"))
WARM_UP_SECONDS = int(os.environ.get("WARM_UP_SECONDS", "10"))

SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.http_settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/entraide_bench_http"),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    "LOG_LEVEL": "WARNING",
    "SMS_BACKEND": "locmem",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
if os.environ.get("BENCH_KEEP_RATE_LIMITS") != "1":
    SERVER_ENV["RATE_LIMIT_REQUEST_FORM_IP"] = "1000000000/h"
    SERVER_ENV["RATE_LIMIT_REQUEST_FORM_CONTACT"] = "1000000000/d"
os.environ.update(SERVER_ENV)

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from associations.models import Application, Association, Mission  # noqa: E402
from bench.common import BATCH, database_ready, populated_communes, progress, volunteers_seed  # noqa: E402
from core.enums import Domain, domains_to_mask  # noqa: E402
from core.models import Commune, HelpType  # noqa: E402
from matching.models import Proposal  # noqa: E402
from requests_app.models import HelpRequest, StatusChange  # noqa: E402
from requests_app.references import new_reference, new_tracking_token  # noqa: E402
from volunteers.models import VolunteerProfile  # noqa: E402

PAGES = {  # locust task → the name its requests carry in the statistics
    "baseline": "baseline (bare view)",
    "home": "home",
    "mission_list": "mission list (filters)",
    "mission_detail": "mission detail",
    "form_get": "request form GET",
    "form_post": "request form POST",
    "tracking": "tracking page",
    "dashboard": "volunteer dashboard",
}
TARGET_RATIO = {"form_get": 0.15, "form_post": 0.15, "tracking": 0.15}  # the others: 0.10
BENCH_VOLUNTEER = "benevole-bench@bench.fr"


def seed_missions(rng: random.Random) -> None:
    communes, weights = populated_communes()
    existing = Association.objects.count()
    if existing < ASSOCIATIONS:
        Association.objects.bulk_create(
            Association(kind="association", name=f"Association d'entraide {i}", rna=f"W54{i:07d}",
                        status="validated", commune=rng.choices(communes, weights=weights)[0],
                        domains=rng.randrange(1, 16), covers_whole_departement=rng.random() < 0.2,
                        description="Entraide de proximité.", contact_email=f"contact{i}@bench.fr")
            for i in range(existing, ASSOCIATIONS)
        )  # fmt: skip
    existing = Mission.objects.count()
    if existing >= MISSIONS:
        return
    association_ids = list(Association.objects.values_list("pk", flat=True))
    statuses = ["published"] * 8 + ["draft", "closed"]
    words = ["Colis", "Courses", "Appels", "Aide aux devoirs", "Repas", "Garde d'enfants", "Distribution"]
    today, now = timezone.localdate(), timezone.now()
    for start in range(existing, MISSIONS, BATCH):
        count = min(BATCH, MISSIONS - start)
        batch = []
        for i in range(count):
            remote = rng.random() < 0.1
            begins = today + timedelta(days=rng.randrange(-30, 30))
            batch.append(
                Mission(association_id=rng.choice(association_ids), title=f"{rng.choice(words)} n° {start + i}",
                        description="Préparer et distribuer, appeler, accompagner. " * 5,
                        domain=rng.choice(Domain.values), is_remote=remote,
                        commune=None if remote else rng.choices(communes, weights=weights)[0],
                        start_date=begins, end_date=begins + timedelta(days=rng.randrange(1, 90)),
                        volunteers_needed=rng.randrange(1, 10), status=rng.choice(statuses),
                        published_at=now - timedelta(hours=rng.randrange(0, 2000)))
            )  # fmt: skip
        Mission.objects.bulk_create(batch, batch_size=BATCH)
        progress("missions", start + count, MISSIONS)


def seed_requests(rng: random.Random) -> None:
    existing = HelpRequest.objects.count()
    if existing >= REQUESTS:
        return
    communes, weights = populated_communes()
    help_types = list(HelpType.objects.all())
    statuses = ["new", "triaged", "proposed", "assigned", "done", "done", "done", "cancelled", "routed"]
    now = timezone.now()
    for start in range(existing, REQUESTS, BATCH):
        count = min(BATCH, REQUESTS - start)
        batch = []
        for i in range(count):
            help_type = rng.choice(help_types)
            batch.append(
                HelpRequest(reference=new_reference(), tracking_token=new_tracking_token(),
                            status=rng.choice(statuses), source=rng.choice(["web", "web", "phone"]),
                            requester_name=f"Demandeur {start + i}", requester_phone=f"+3361{start + i:07d}",
                            commune=rng.choices(communes, weights=weights)[0], help_type=help_type,
                            domain=help_type.domain, description="Besoin d'aide pour la semaine.",
                            urgency=rng.choice([1, 2, 2, 3]), consent_at=now,
                            preferred_slots=0 if rng.random() < 0.6 else rng.randrange(1, 1 << 21))
            )  # fmt: skip
        created = HelpRequest.objects.bulk_create(batch, batch_size=BATCH)
        for help_request in created:
            help_request.created_at = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 60))
        HelpRequest.objects.bulk_update(created, ["created_at"], batch_size=BATCH)
        StatusChange.objects.bulk_create(
            (StatusChange(help_request=r, from_status="", to_status="new", changed_at=r.created_at) for r in created),
            batch_size=BATCH,
        )
        progress("requests", start + count, REQUESTS)


def bench_volunteer(rng: random.Random) -> User:
    """The signed-in volunteer of the dashboard: a live proposal, a history of ten, five applications."""
    user = User.objects.filter(email=BENCH_VOLUNTEER).first()
    if user:
        return user
    user = User.objects.create_user(email=BENCH_VOLUNTEER, password="bench-only-password-54", first_name="Alex")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    nancy = Commune.objects.get(insee="54395")
    profile = VolunteerProfile.objects.create(
        user=user, phone="+33612345678", home_commune=nancy, reach="departement",
        domains=domains_to_mask(Domain.values), availability=(1 << 21) - 1, capacity=3, is_adult=True,
        no_symptoms=True, charter_accepted_at=timezone.now(),
    )  # fmt: skip
    done = list(HelpRequest.objects.filter(status="done")[:10])
    Proposal.objects.bulk_create(
        Proposal(help_request=r, volunteer=profile, status="done", respond_by=r.created_at) for r in done
    )
    live = HelpRequest.objects.filter(status="triaged").first()
    Proposal.objects.create(help_request=live, volunteer=profile, respond_by=timezone.now() + timedelta(days=365))
    HelpRequest.objects.filter(pk=live.pk).update(status="proposed")
    VolunteerProfile.objects.filter(pk=profile.pk).update(live_count=1)
    missions = Mission.objects.filter(status="published").order_by("?")[:5]
    Application.objects.bulk_create(Application(mission=m, volunteer=user, message="Disponible.") for m in missions)
    return user


def bench_data(rng: random.Random) -> Path:
    user = bench_volunteer(rng)
    client = Client()
    client.force_login(user)
    missions = list(Mission.objects.published().values_list("pk", flat=True))
    tokens = list(HelpRequest.objects.values_list("tracking_token", flat=True).order_by("?")[:5000])
    data = {
        "missions": rng.sample(missions, min(5000, len(missions))),
        "tokens": tokens,
        "communes": list(Commune.objects.filter(population__isnull=False).order_by("-population")
                         .values_list("name", flat=True)[:40]),
        "help_types": list(HelpType.objects.active().values_list("pk", flat=True)),
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }  # fmt: skip
    path = OUT / "data.json"
    path.write_text(json.dumps(data))
    return path


def start_gunicorn() -> subprocess.Popen:
    log = (OUT / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "entraide.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(WORKERS), "--error-logfile", "-"],
        cwd=ROOT, env={**os.environ, **SERVER_ENV}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/nu/", timeout=2).status == 200:
                return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            break
    server.kill()
    raise SystemExit(f"gunicorn did not start: see {OUT / 'gunicorn.log'}")


def locust(page: str, users: int, seconds: int, data: Path) -> tuple[dict, float]:
    """Runs Locust headless; returns its statistics by request name and the CPU seconds it used."""
    prefix = OUT / page
    log = (OUT / f"{page}.log").open("w")
    classes = {"mixed": ["Visitor", "SignedInVolunteer"], "dashboard": ["SignedInVolunteer"]}.get(page, ["Visitor"])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users),
         "-r", str(users), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix),
         "--only-summary", "--loglevel", "ERROR", "--exit-code-on-error", "0", *classes],
        cwd=ROOT, env={**os.environ, "BENCH_PAGE": page, "BENCH_DATA": str(data)}, check=True,
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}, cpu


def warm_up(data: Path) -> None:
    """Each worker's first requests import and compile (templates, translations, connections): not measured."""
    locust("mixed", SATURATION_USERS, WARM_UP_SECONDS, data)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(54)
    database_ready()
    seed_missions(rng)
    seed_requests(rng)
    volunteers_seed(rng, VOLUNTEERS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    data = bench_data(rng)
    if os.environ.get("BENCH_SEED_ONLY") == "1":
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()
    redis.Redis.from_url(SERVER_ENV["REDIS_URL"]).flushdb()  # the cache and the tasks queued by earlier runs

    load = os.getloadavg()
    server = start_gunicorn()
    try:
        warm_up(data)
        saturation = {}
        for page, name in PAGES.items():
            stats, cpu = locust(page, SATURATION_USERS, SATURATION_SECONDS, data)
            row = stats[name]
            saturation[page] = {
                "rps": float(row["Requests/s"]), "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]), "p50": row["50%"], "p95": row["95%"],
                "locust_cpu_share": cpu / (SATURATION_SECONDS * (os.cpu_count() or 1)),
            }  # fmt: skip
            measured = saturation[page]
            print(f"saturation {name:<24} {measured['rps']:8.1f} req/s ({measured['failures']} failures, "
                  f"Locust {measured['locust_cpu_share']:.0%} CPU)")  # fmt: skip
        mixed, cpu = locust("mixed", RATE, MIXED_SECONDS, data)
    finally:
        server.terminate()
        server.wait(timeout=20)
        redis.Redis.from_url(SERVER_ENV["REDIS_URL"]).flushdb()
    report(saturation, mixed, cpu, load)


def report(saturation: dict, mixed: dict, mixed_cpu: float, load: tuple) -> None:
    baseline = saturation["baseline"]["rps"]
    total = mixed["Aggregated"]
    mixed_share = mixed_cpu / (MIXED_SECONDS * (os.cpu_count() or 1))
    lines = [
        f"Run {timezone.localtime():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, "
        f"gunicorn {WORKERS} sync workers; {Mission.objects.count():,} missions, {HelpRequest.objects.count():,} "
        f"requests, {VolunteerProfile.objects.count():,} volunteers. Load average before the run: "
        f"{load[0]:.2f}, after: {os.getloadavg()[0]:.2f} (other processes share the machine).",
        "",
        f"Fixed rate: {RATE} users at one task a second for {MIXED_SECONDS} s: {float(total['Requests/s']):.1f} req/s "
        f"achieved, {total['Failure Count']} failures, Locust {mixed_share:.0%} of the machine's CPU.",
        "",
        f"| page | saturation req/s | × baseline | target | p50 ms at {RATE} req/s | p95 ms at {RATE} req/s "
        "| p95 target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for page, name in PAGES.items():
        s = saturation[page]
        ratio = s["rps"] / baseline if baseline else 0
        target = TARGET_RATIO.get(page, 0.10)
        at_rate = mixed.get(name, {})
        p95 = at_rate.get("95%", "—")
        p95_ok = "met" if p95 != "—" and float(p95) < 100 else "**missed**"
        ratio_ok = "" if page == "baseline" else (" met" if ratio >= target else " **missed**")
        lines.append(
            f"| {name} | {s['rps']:.0f} | {ratio:.0%} | ≥ {target:.0%}{ratio_ok} | {at_rate.get('50%', '—')} | "
            f"{p95} | < 100 ms {p95_ok} |"
        )
    text = "\n".join(lines)
    (OUT / "report.md").write_text(text + "\n")
    (OUT / "report.json").write_text(json.dumps({"saturation": saturation, "mixed": mixed}, indent=1))
    print("\n" + text)


if __name__ == "__main__":
    main()
