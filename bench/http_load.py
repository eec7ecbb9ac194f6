"""HTTP load benchmark: the portal under gunicorn with production settings, driven by compiled load generators.

Run with `make bench-http`. It seeds its own PostgreSQL database once (kept between runs: 10,000 missions,
100,000 requests, 100,000 volunteers), then for each server of BENCH_SERVERS (default: the Dockerfile's) starts it
with production settings (DEBUG off, Redis cache and sessions) and measures:

1. saturation, page by page: `wrk` (C, one thread, SATURATION_CONNECTIONS connections, SATURATION_SECONDS a page)
   with bench/wrk/page.lua, which varies the path (missions, tracking tokens, filters) and the POST's body and
   reports p50/p95/p99; throughput is set against the bare view's (`bench/http_urls.py`: the whole middleware chain,
   no template, no query), measured in the same run;
2. a fixed rate: single-client `hey` (Go) processes, each rate-limited (`-q`) and started in turn over a second so
   that their requests arrive spread out, together sending RATE requests a second of the weighted MIX for
   MIXED_SECONDS; each page's p50/p95 from hey's per-request CSV;
3. the knee: the same mix at each rate of KNEE_RATES for KNEE_SECONDS, up to the first rate at which a page's p95
   reaches 100 ms, the achieved rate falls below 95 % of the asked one, or a response fails.

The generators run on the same two cores as the portal: their own CPU time (from the kernel's accounting of the
child processes), the load average and the CPU the hypervisor gave to other machines (steal) are reported with
every phase. Servers: `sync:3` (gunicorn, 3 sync workers), `gthread:3x4` (3 workers of 4 threads), `uvicorn:3`
(gunicorn with uvicorn's ASGI workers); e.g.
`BENCH_SERVERS="sync:3 sync:5 gthread:3x4 uvicorn:3" make bench-http` compares them. BENCH_PROFILE=1 attaches py-spy
to one worker during each saturation run and writes a flame graph per page (the figures of that run then include
the profiler's cost). The public form's rate limits would refuse the benchmark's POSTs after 20 an hour: they are
lifted unless BENCH_KEEP_RATE_LIMITS=1. Cookies are not marked Secure (plain HTTP on the loopback).
Figures go to var/bench-http/ (report.md, report.json, the generators' and gunicorn's logs); copy them to
BENCHMARKS.md. BENCH_SEED_ONLY=1 seeds and stops.
"""

import csv
import io
import json
import math
import os
import platform
import random
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench-http"
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "wrk" / "page.lua"

MISSIONS = int(os.environ.get("BENCH_MISSIONS", "10000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100000"))
VOLUNTEERS = int(os.environ.get("BENCH_VOLUNTEERS", "100000"))
ASSOCIATIONS = MISSIONS // 20
PORT = int(os.environ.get("BENCH_PORT", "8754"))
SERVERS = os.environ.get("BENCH_SERVERS", "sync:3").split()
SATURATION_CONNECTIONS = int(os.environ.get("SATURATION_CONNECTIONS", "16"))
SATURATION_SECONDS = int(os.environ.get("SATURATION_SECONDS", "15"))
RATE = int(os.environ.get("RATE", "100"))
MIXED_SECONDS = int(os.environ.get("MIXED_SECONDS", "60"))
KNEE_RATES = [int(rate) for rate in os.environ.get("KNEE_RATES", "150 200 250 300 350 400").split()]
KNEE_SECONDS = int(os.environ.get("KNEE_SECONDS", "30"))
PROFILE = os.environ.get("BENCH_PROFILE") == "1"
P95_TARGET_MS = 100

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
from bench.common import (  # noqa: E402
    BATCH,
    database_ready,
    machine_cpu,
    populated_communes,
    progress,
    steal_share,
    volunteers_seed,
)
from core.enums import Domain, domains_to_mask  # noqa: E402
from core.models import Commune, HelpType  # noqa: E402
from matching.models import Proposal  # noqa: E402
from requests_app.models import HelpRequest, StatusChange  # noqa: E402
from requests_app.references import new_reference, new_tracking_token  # noqa: E402
from volunteers.models import VolunteerProfile  # noqa: E402

BENCH_VOLUNTEER = "benevole-bench@bench.fr"


@dataclass
class Page:
    """One page the benchmark loads: its paths (one is drawn per request), its share of the fixed-rate mix (in
    hundredths) and its target against the bare view at saturation."""

    name: str
    kind: str  # baseline, public, form, signed-in, post: what the target is
    mix: int
    paths: list[str] = field(default_factory=list)
    method: str = "GET"
    expect: int = 200
    cookie: str = ""
    body: str = ""  # the POST's, with "{n}" for a number that makes each filing a different person

    @property
    def target(self) -> float | None:
        return {"baseline": None, "public": 0.20, "form": 0.25, "signed-in": 0.10, "post": 0.05}[self.kind]

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


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


def pages() -> list["Page"]:
    """The pages and what each request draws from: missions, tracking tokens, the largest communes' names."""
    rng = random.Random(54)
    # Visitors reach a mission from the list, newest first: the 1,000 most recently published, drawn evenly.
    missions = list(Mission.objects.published().order_by("-published_at", "pk").values_list("pk", flat=True)[:1000])
    tokens = list(HelpRequest.objects.values_list("tracking_token", flat=True).order_by("pk")[: REQUESTS // 2])
    communes = list(
        Commune.objects.filter(population__isnull=False).order_by("-population").values_list("name", flat=True)[:40]
    )
    domains = ["food_emergency", "childcare", "isolated_contact", "local_solidarity"]
    keywords = ["colis", "courses", "appel", "devoirs", "repas"]
    mission_lists = []
    for _ in range(500):
        query = {"domain": rng.choice(domains), "commune": rng.choice(communes)}
        if rng.random() < 0.3:
            query["q"] = rng.choice(keywords)
        mission_lists.append(f"/missions/?{urllib.parse.urlencode(query)}")
    session = signed_in_session()
    help_types = list(HelpType.objects.active().values_list("pk", flat=True))
    visited = rng.sample(tokens, min(len(tokens), 20_200))  # BENCH_REQUESTS may seed fewer
    first_visits, reloaded = visited[:-200], visited[-200:]
    return [
        Page("bare view", "baseline", 7, ["/bench/nu/"]),
        Page("home", "public", 15, ["/"]),
        Page("mission list (filters)", "public", 20, mission_lists),
        Page("mission detail", "public", 15, [f"/missions/{pk}/" for pk in missions]),
        Page("organisations directory", "public", 5, ["/associations/"]),
        Page("crisis page", "public", 0, ["/crise/"]),
        Page("request form GET", "form", 8, ["/demandes/nouvelle/"]),
        # A person opens the link of an SMS once, then reloads: first visits draw the page (20,000 tokens, few drawn
        # twice in a run), reloads find it kept (200 tokens, all kept by the warm-up). Only wrk varies the path on
        # each request: under hey (fixed rate, knee) each client asks one path, so its "first visits" are reloads
        # after the first, and only the saturation figures measure first visits.
        Page("tracking page, first visit", "form", 5, [f"/demandes/suivi/{token}/" for token in first_visits]),
        Page("tracking page, reload", "form", 10, [f"/demandes/suivi/{token}/" for token in reloaded]),
        Page("request form POST", "post", 5, ["/demandes/nouvelle/"], method="POST", expect=302,
             body="\n".join(form_bodies(communes, help_types))),
        Page("volunteer dashboard", "signed-in", 10, ["/benevoles/"],
             cookie=f"{settings.SESSION_COOKIE_NAME}={session}"),
    ]  # fmt: skip


def form_bodies(communes: list[str], help_types: list[int]) -> list[str]:
    """The request form as a person fills it, one body per commune and help type; the token comes later."""
    bodies = []
    for commune in communes:
        for help_type in help_types[:4]:
            fields = {
                "csrfmiddlewaretoken": "{token}",
                "requester_relation": "self",
                "requester_name": "Charge Test",
                "requester_phone": "0612{n}",
                "requester_email": "bench{n}@bench.fr",
                "commune": commune,
                "help_type": str(help_type),
                "description": "Courses de la semaine (benchmark).",
                "urgency": "2",
                "preferred_channel": "email",
                "consent": "on",
            }
            bodies.append(urllib.parse.urlencode(fields, safe="{}"))
    return bodies


def signed_in_session() -> str:
    client = Client()
    client.force_login(User.objects.get(email=BENCH_VOLUNTEER))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def csrf_pair() -> tuple[str, str]:
    """A CSRF cookie and a form token for it, as a browser gets them from the form page."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"http://127.0.0.1:{PORT}/demandes/nouvelle/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = next(c for c in jar if c.name == settings.CSRF_COOKIE_NAME)
    return f"{cookie.name}={cookie.value}", token


def load_tools_ready() -> None:
    """wrk and hey come from Debian's packages, installed like the tests' Chromium."""
    if not (shutil.which("wrk") and shutil.which("hey")):
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure_load_tools.sh")], check=True)


# --- The server ---------------------------------------------------------------------------------------------------


def server_command(spec: str) -> list[str]:
    """`sync:3`, `gthread:3x4` (workers x threads) or `uvicorn:3` as a gunicorn command line."""
    kind, _, size = spec.partition(":")
    workers, _, threads = size.partition("x")
    command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{PORT}", "--workers", workers, "--error-logfile", "-"]
    if kind == "sync":
        return [*command, "entraide.wsgi:application"]
    if kind == "gthread":
        return [*command, "--worker-class", "gthread", "--threads", threads or "4", "entraide.wsgi:application"]
    if kind == "uvicorn":
        return [*command, "--worker-class", "uvicorn.workers.UvicornWorker", "entraide.asgi:application"]
    raise SystemExit(f"unknown server {spec!r}: sync:N, gthread:NxT or uvicorn:N")


def server_start(spec: str) -> subprocess.Popen:
    log = (OUT / f"gunicorn-{spec.replace(':', '-')}.log").open("w")
    server = subprocess.Popen(server_command(spec), cwd=ROOT, env={**os.environ, **SERVER_ENV}, stdout=log,
                              stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.monotonic() + 120  # workers import the whole portal: slow on a busy machine
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/nu/", timeout=2).status == 200:
                return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            break
    server.kill()
    raise SystemExit(f"the server did not start: see {log.name}")


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


# --- Saturation: wrk ------------------------------------------------------------------------------------------------


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk(page: Page, seconds: int, csrf: tuple[str, str], profile_pid: int | None = None, label: str = "") -> dict:
    """One page at saturation; wrk's figures, its share of the machine's CPU and the load average."""
    paths = OUT / f"paths-{page.slug}.txt"
    cookie, token = csrf
    if page.method == "POST":
        lines = [f"{page.paths[0]}\t{body.replace('{token}', token)}" for body in page.body.splitlines()]
    else:
        lines = page.paths
    paths.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "BENCH_PATHS": str(paths), "BENCH_METHOD": page.method}
    if page.method == "POST":
        env |= {"BENCH_COOKIE": cookie, "BENCH_REFERER": f"http://127.0.0.1:{PORT}{page.paths[0]}",
                "BENCH_EXPECT": str(page.expect)}  # fmt: skip
    elif page.cookie:
        env["BENCH_COOKIE"] = page.cookie
    profiler = None
    if profile_pid:
        profiler = subprocess.Popen(
            [str(BIN / "py-spy"), "record", "--pid", str(profile_pid), "--duration", str(max(seconds - 2, 1)),
             "--output", str(OUT / f"profile-{label}-{page.slug}.svg"), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    load = os.getloadavg()[0]
    before, machine_before = children_cpu(), machine_cpu()
    result = subprocess.run(
        ["wrk", "-t1", f"-c{SATURATION_CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA),
         f"http://127.0.0.1:{PORT}"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    cpu = children_cpu() - before
    if profiler:
        profiler.wait(timeout=60)
    found = re.search(r"^BENCH-JSON (.*)$", result.stdout, re.MULTILINE)
    if not found:
        raise SystemExit(f"wrk gave no figures for {page.name}:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(found.group(1))
    elapsed = figures["duration_us"] / 1e6
    figures |= {
        "rps": figures["requests"] / elapsed,
        "failures": figures["status_errors"] + figures["socket_errors"] + figures["unexpected"],
        "generator_cpu_share": cpu / (elapsed * (os.cpu_count() or 1)),
        "load_before": load,
        "steal_share": steal_share(machine_before),
    }
    return figures


# --- Fixed rate: hey ------------------------------------------------------------------------------------------------


# Each hey process is one client sending at most this many requests a second, one after the other.
PER_CLIENT_RATE = 4


def shooters(page: Page, rate: float, rng: random.Random) -> list[tuple[str, float]]:
    """How hey sends this page's share: (path, requests a second), one single-client process each. A client waits
    for each response before its next request, so each sends at most PER_CLIENT_RATE a second: a slow response
    delays one client's next request, not the page's rate. Paths are drawn from the page's own, one per client (hey
    asks one URL): a page whose paths are all different under wrk (tracking first visits) is not so here."""
    share = rate * page.mix / 100
    if share <= 0:
        return []
    processes = math.ceil(share / PER_CLIENT_RATE)
    return [(rng.choice(page.paths), share / processes) for _ in range(processes)]


# Each person files twice (a second filing is what the duplicate search is for), then another person files: one
# person filing over and over would pile up open requests from one phone that each filing weighs as duplicates.
FILINGS_PER_PERSON = 2


def post_bodies(page: Page, index: int, token: str, count: int) -> list[Path]:
    """`count` bodies of the POST for one client, each a new person (a number drawn afresh on each run)."""
    line = page.body.splitlines()[index % len(page.body.splitlines())]
    fresh = random.Random()
    bodies = []
    for number in range(count):
        body = OUT / f"body-{page.slug}-{index}-{number}.txt"
        body.write_text(line.replace("{token}", token).replace("{n}", f"{fresh.randrange(10**6):06d}"))
        bodies.append(body)
    return bodies


def hey_mix(all_pages: list[Page], rate: float, seconds: int, csrf: tuple[str, str]) -> dict:
    """The weighted mix at a fixed rate; per page: requests, achieved rate, p50/p95/max, failures.

    The clients start one after the other over a second, so that their ticks are spread like the arrivals of
    people: hey's clients all tick together from their start, and started at once they sent the whole mix in one
    burst each second (100 requests queued behind each other, a p95 of 400 ms at a tenth of the capacity)."""
    rng = random.Random(rate)
    cookie, token = csrf
    commands = []
    for page in all_pages:
        for index, (path, per_client) in enumerate(shooters(page, rate, rng)):
            url = f"http://127.0.0.1:{PORT}{path}"
            command = ["hey", "-c", "1", "-q", f"{per_client:.3f}", "-o", "csv", "-t", "10", "-disable-redirects"]
            if page.method == "POST":
                command += ["-m", "POST", "-T", "application/x-www-form-urlencoded",
                            "-H", f"Cookie: {cookie}", "-H", f"Referer: {url}"]  # fmt: skip
                bodies = post_bodies(page, index, token, math.ceil(seconds * per_client / FILINGS_PER_PERSON))
                # hey sends one body: one run of it per person, one after the other, for as long as the others.
                loop = f'for body in "$@"; do {shlex.join(command)} -n {FILINGS_PER_PERSON} -D "$body" {url}; done'
                commands.append((page, index, ["sh", "-c", loop, "sh", *map(str, bodies)]))
                continue
            if page.cookie:
                command += ["-H", f"Cookie: {page.cookie}"]
            commands.append((page, index, [*command, "-z", f"{seconds}s", url]))
    rng.shuffle(commands)
    runs = []
    for page, index, command in commands:
        output = (OUT / f"hey-{page.slug}-{index}.csv").open("w+")
        runs.append((page, subprocess.Popen(command, stdout=output), output))
        time.sleep(1 / len(commands))
    load = os.getloadavg()[0]
    before, machine_before = children_cpu(), machine_cpu()
    for _, process, _ in runs:
        process.wait()
    cpu = children_cpu() - before
    times: dict[str, list[float]] = {page.name: [] for page in all_pages}
    failures = dict.fromkeys(times, 0)
    for page, _, output in runs:
        output.seek(0)
        for row in csv.DictReader(io.StringIO(output.read())):
            if row["response-time"] == "response-time":  # the header again: the POST's runs share one file
                continue
            times[page.name].append(float(row["response-time"]) * 1000)
            failures[page.name] += int(row["status-code"]) != page.expect
        output.close()
    by_page = {}
    for name, values in times.items():
        if values:
            by_page[name] = {"requests": len(values), "rps": len(values) / seconds, "failures": failures[name],
                             "p50_ms": statistics.median(values), "p95_ms": percentile(values, 95),
                             "max_ms": max(values)}  # fmt: skip
    achieved = sum(page["requests"] for page in by_page.values()) / seconds
    share = cpu / (seconds * (os.cpu_count() or 1))
    return {"rate": rate, "achieved": achieved, "pages": by_page, "load_before": load,
            "load_after": os.getloadavg()[0], "generator_cpu_share": share,
            "steal_share": steal_share(machine_before)}  # fmt: skip


def percentile(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1)]


def holds(run: dict) -> bool:
    """Every page's p95 under the target, no failure, and the asked rate reached (within 5 %)."""
    pages_hold = all(page["p95_ms"] < P95_TARGET_MS and not page["failures"] for page in run["pages"].values())
    return pages_hold and run["achieved"] >= 0.95 * run["rate"]


# --- The run --------------------------------------------------------------------------------------------------------


def measure(spec: str, all_pages: list[Page]) -> dict:
    redis.Redis.from_url(SERVER_ENV["REDIS_URL"]).flushdb()  # the cache and the tasks queued by earlier runs
    server = server_start(spec)
    label = spec.replace(":", "-")
    try:
        csrf = csrf_pair()
        for page in all_pages:  # each worker's first requests import, compile and connect: not measured
            wrk(page, 2, csrf)
        profile_pid = worker_pids(server)[0] if PROFILE else None
        saturation = {}
        for page in all_pages:
            saturation[page.name] = figures = wrk(page, SATURATION_SECONDS, csrf, profile_pid, label)
            print(f"{spec:<12} saturation {page.name:<26} {figures['rps']:8.1f} req/s  p95 {figures['p95_ms']:7.1f} ms"
                  f"  failures {figures['failures']}  wrk {figures['generator_cpu_share']:.0%} CPU"
                  f"  load {figures['load_before']:.2f}")  # fmt: skip
        fixed = hey_mix(all_pages, RATE, MIXED_SECONDS, csrf)
        print_mix(spec, fixed)
        knee, steps = (RATE if holds(fixed) else None), []
        if knee:
            for rate in KNEE_RATES:
                step = hey_mix(all_pages, rate, KNEE_SECONDS, csrf)
                steps.append(step)
                print_mix(spec, step)
                if not holds(step):
                    break
                knee = rate
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"server": spec, "saturation": saturation, "fixed": fixed, "knee": knee, "knee_steps": steps}


def print_mix(spec: str, run: dict) -> None:
    name, worst = max(run["pages"].items(), key=lambda item: item[1]["p95_ms"])
    print(f"{spec:<12} mix at {run['rate']} req/s: {run['achieved']:.1f} achieved, worst p95 {worst['p95_ms']:.1f} ms "
          f"({name}), {'holds' if holds(run) else 'does not hold'}; hey {run['generator_cpu_share']:.0%} CPU, "
          f"load {run['load_before']:.2f} → {run['load_after']:.2f}")  # fmt: skip


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(54)
    database_ready()
    seed_missions(rng)
    seed_requests(rng)
    volunteers_seed(rng, VOLUNTEERS)
    bench_volunteer(rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if os.environ.get("BENCH_SEED_ONLY") == "1":
        return
    load_tools_ready()
    call_command("collectstatic", interactive=False, verbosity=0)
    all_pages = pages()
    connections.close_all()
    started = timezone.localtime()
    results = [measure(spec, all_pages) for spec in SERVERS]
    report(results, all_pages, started)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(results: list[dict], all_pages: list[Page], started) -> None:
    lines = [
        f"Run {started:%Y-%m-%d %H:%M}–{timezone.localtime():%H:%M}, {platform.node()}, {os.cpu_count()} cores; "
        f"{Mission.objects.count():,} missions, {HelpRequest.objects.count():,} requests, "
        f"{VolunteerProfile.objects.count():,} volunteers. Saturation: wrk, 1 thread, {SATURATION_CONNECTIONS} "
        f"connections, {SATURATION_SECONDS} s a page. Fixed rate: hey, {MIXED_SECONDS} s; knee steps "
        f"{KNEE_SECONDS} s.",
    ]
    for result in results:
        bare = result["saturation"]["bare view"]["rps"]
        fixed = result["fixed"]
        lines += [
            "",
            f"### {result['server']}",
            "",
            f"| page | saturation req/s | × bare view | target | p95 ms at saturation | wrk CPU | load | steal | "
            f"p50 / p95 ms at {RATE} req/s | p95 < {P95_TARGET_MS} ms |",
            "|---|---:|---:|---|---:|---:|---:|---:|---:|---|",
        ]
        for page in all_pages:
            s = result["saturation"][page.name]
            ratio = s["rps"] / bare if bare else 0.0
            target = "—" if page.target is None else f"≥ {page.target:.2f} {verdict(ratio >= page.target)}"
            at_rate = fixed["pages"].get(page.name)
            latency = f"{at_rate['p50_ms']:.1f} / {at_rate['p95_ms']:.1f}" if at_rate else "not in the mix"
            p95 = verdict(at_rate["p95_ms"] < P95_TARGET_MS and not at_rate["failures"]) if at_rate else "—"
            failures = f" ({s['failures']} failed)" if s["failures"] else ""
            lines.append(
                f"| {page.name} | {s['rps']:.0f}{failures} | {ratio:.{3 if ratio < 0.1 else 2}f} | {target} | "
                f"{s['p95_ms']:.1f} | "
                f"{s['generator_cpu_share']:.0%} | {s['load_before']:.2f} | {s['steal_share']:.0%} | {latency} | "
                f"{p95} |"
            )
        steps = ", ".join(
            f"{step['rate']}: {step['achieved']:.0f} achieved, {step['steal_share']:.0%} stolen, worst p95 "
            f"{max(p['p95_ms'] for p in step['pages'].values()):.0f} ms" for step in result["knee_steps"]
        )  # fmt: skip
        # What the mix would reach at saturation: each page's share of a second at its own saturation rate.
        weights = {page.name: page.mix for page in all_pages if page.mix}
        mix_capacity = sum(weights.values()) / sum(
            weight / result["saturation"][name]["rps"] for name, weight in weights.items()
        )
        lines += [
            "",
            f"The mix at saturation, from each page's figure (weighted harmonic mean): {mix_capacity:.0f} req/s, "
            f"{mix_capacity / (os.cpu_count() or 1):.0f} per core.",
            f"Fixed rate {RATE} req/s: {fixed['achieved']:.1f} achieved, hey {fixed['generator_cpu_share']:.1%} of "
            f"the CPU, load average {fixed['load_before']:.2f} → {fixed['load_after']:.2f}, CPU stolen by the "
            f"hypervisor {fixed['steal_share']:.0%}. "
            f"Knee (every page's p95 < {P95_TARGET_MS} ms): **{result['knee'] or 'below ' + str(RATE)} req/s** "
            f"(goal ≥ 200){'; steps: ' + steps if steps else ''}. Each hey client asks one path: at a fixed rate, "
            f"a page's later requests from one client find what its first kept (tracking first visits included).",
        ]
    text = "\n".join(lines)
    (OUT / "report.md").write_text(text + "\n")
    (OUT / "report.json").write_text(json.dumps(results, indent=1, default=str))
    print("\n" + text)


if __name__ == "__main__":
    main()
