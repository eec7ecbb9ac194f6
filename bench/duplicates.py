"""The duplicate search at volume: finding, among REQUESTS (default 100,000) requests in PostgreSQL, an open one from
the same phone or email or for a similar name at a similar address in the same commune. Run with
`make bench-duplicates`; figures go to BENCHMARKS.md.

Seeds its own database once (kept between runs): requests spread over the communes by population (one in seven in
Nancy), French names and street addresses drawn from short lists, so that a big commune holds many namesakes and many
neighbours; a third closed, half of those anonymised by retention; one in twenty a second request for a person already
asking, written another way ("DUPONT Jeanne, 3 r. des lilas"). Then, for probes built the same way, it prints the
plan of the search (EXPLAIN ANALYZE, BUFFERS) in the biggest commune and in a small one, the same plan without the
trigram index (dropped inside a transaction rolled back), and the time of `possible_duplicate_find` over many probes.
Each probe runs in a transaction rolled back: the database stays as seeded.
"""

import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100000"))
PROBES = int(os.environ.get("BENCH_PROBES", "400"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entraide.settings.test")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/entraide_bench_duplicates_{REQUESTS}"
)

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import BATCH, database_ready, populated_communes, progress  # noqa: E402
from core.models import HelpType  # noqa: E402
from requests_app.models import HelpRequest  # noqa: E402
from requests_app.references import new_reference, new_tracking_token  # noqa: E402
from requests_app.services import possible_duplicate_find, possible_duplicate_search  # noqa: E402
from requests_app.similarity import SIMILAR_PERSON_INDEX  # noqa: E402

FIRST_NAMES = (
    "Jeanne Marie Monique Françoise Hélène Simone Odette Germaine Suzanne Yvette Paulette Denise Colette "
    "Renée Lucienne Jacqueline Madeleine Andrée Raymonde Geneviève Jean Pierre Michel André Jacques "
    "Bernard Marcel René Roger Louis Georges Henri Claude Robert Gérard Paul Lucien Maurice Raymond "
    "Gilbert Léa Luc Anne Alain Sophie Thierry Nadia Karim Fatima Mohamed Chantal Sylvie Patrick Éric "
    "Nathalie Isabelle Christophe Céline Julien Camille Emma Hugo"
).split()
SURNAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy "
    "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller "
    "Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia "
    "Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont "
    "Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard "
    "Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet "
    "Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis "
    "Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly Hervé "
    "Schneider Fernandez Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Cousin Germain "
    "Breton Besson Langlois Rémy Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal Weber Mallet "
    "Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin Poulain Tessier "
    "Chevallier Collin Chauvin Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud Antoine"
).split()
STREETS = (
    "rue des Lilas|rue de la Gare|avenue du Général Leclerc|rue Saint-Dizier|rue Stanislas|place Carnot|"
    "rue Jeanne d'Arc|boulevard Foch|rue de la République|rue Victor Hugo|rue Pasteur|rue Jean Jaurès|"
    "allée des Tilleuls|impasse des Roses|chemin des Vignes|rue de l'Église|rue du Moulin|rue des Écoles|"
    "route de Toul|rue de Metz|avenue de Strasbourg|rue des Jardins|rue du Château|rue de la Paix|"
    "place de la Mairie|rue du Général de Gaulle|rue Gambetta|rue des Carmes|rue Saint-Jean|"
    "rue de la Hache|rue Mon-Désert|rue de Laxou|avenue de la Libération|rue des Chênes|rue du Stade|"
    "rue des Fleurs|rue de Verdun|rue Charles III|quai Claude le Lorrain|rue Sainte-Catherine"
).split("|")
# How the same person and address come back in a second request: another order, case, civility, abbreviation, typo.
REWRITES = (
    lambda first, last: f"{last.upper()} {first}",
    lambda first, last: f"Mme {first} {last}",
    lambda first, last: f"{first.lower()} {last.lower()}",
    lambda first, last: f"{first} {last[:-1] + ('d' if last[-1] != 'd' else 't')}",
)
ADDRESS_REWRITES = (
    lambda address: address.replace("rue ", "r. ").replace("avenue ", "av. ").replace("boulevard ", "bd "),
    lambda address: address.lower(),
    lambda address: f"{address}, appartement {random.Random(address).randrange(1, 40)}",
    lambda address: address.replace("Saint-", "St ").replace("des ", "de "),
)


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(SURNAMES)


def address(rng: random.Random) -> str:
    return f"{rng.randrange(1, 120)} {rng.choice(STREETS)}"


def seed() -> None:
    existing = HelpRequest.objects.count()
    if existing >= REQUESTS:
        return
    rng = random.Random(54 + existing)
    communes, weights = populated_communes()
    help_types = list(HelpType.objects.all())
    now = timezone.now()
    asking = []  # people with an open request, whom a later request may repeat
    for start in range(existing, REQUESTS, BATCH):
        count = min(BATCH, REQUESTS - start)
        batch = []
        for index in range(start, start + count):
            help_type = rng.choice(help_types)
            if asking and rng.random() < 0.05:
                commune, (first, last), street = rng.choice(asking)
                name = rng.choice(REWRITES)(first, last)
                where = rng.choice(ADDRESS_REWRITES)(street)
            else:
                commune, (first, last), where = rng.choices(communes, weights=weights)[0], person(rng), address(rng)
                name = f"{first} {last}"
            status = rng.choice(["new", "triaged", "routed", "assigned", "needs_staff", "done", "cancelled", "done"])
            anonymised = status in ("done", "cancelled") and rng.random() < 0.5
            for_someone_else = rng.random() < 0.3
            if status not in ("done", "cancelled") and name == f"{first} {last}":
                asking.append((commune, (first, last), where))
            batch.append(
                HelpRequest(
                    reference=new_reference(),
                    tracking_token=new_tracking_token(),
                    status=status,
                    requester_name="" if anonymised else (f"{person(rng)[0]} {last}" if for_someone_else else name),
                    beneficiary_name="" if anonymised or not for_someone_else else name,
                    requester_phone="" if anonymised else f"+3361{index:07d}",
                    commune=commune,
                    address="" if anonymised else where,
                    help_type=help_type,
                    domain=help_type.domain,
                    description="" if anonymised else "Courses de la semaine",
                    urgency=rng.choice([1, 2, 2, 3]),
                    consent_at=now,
                    created_at=now - timezone.timedelta(minutes=rng.randrange(0, 60 * 24 * 90)),
                    anonymised_at=now if anonymised else None,
                )
            )
        HelpRequest.objects.bulk_create(batch, batch_size=BATCH)
        progress("requests", start + count, REQUESTS)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE requests_app_helprequest")


def probe(rng: random.Random, commune_id: str | None = None, repeats: bool | None = None) -> HelpRequest:
    """A new request, not saved, from a new phone number: for a person of an open request of the commune written
    another way, or (one in two, unless `repeats` says) for someone new."""
    candidates = HelpRequest.objects.open().filter(anonymised_at__isnull=True)
    if commune_id:
        candidates = candidates.filter(commune_id=commune_id)
    known = candidates.order_by("pk")[rng.randrange(candidates.count())]  # the same probes from one run to the next
    repeats = rng.random() < 0.5 if repeats is None else repeats
    if repeats:
        first, last = known.beneficiary_display.split(" ", 1)
        name, where = rng.choice(REWRITES)(first, last), rng.choice(ADDRESS_REWRITES)(known.address)
    else:
        first, last = person(rng)
        name, where = f"{first} {last}", address(rng)
    help_request = HelpRequest(
        requester_name=name,
        requester_phone=f"+3369{rng.randrange(10**7):07d}",
        commune_id=known.commune_id,
        address=where,
        help_type=known.help_type,
        description="Courses",
    )
    help_request.repeats = repeats  # what the benchmark knows and the search must find out
    return help_request


def plan(help_request: HelpRequest, *, without_index: bool = False) -> str:
    with transaction.atomic():
        if without_index:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP INDEX "{SIMILAR_PERSON_INDEX}"')
        text = possible_duplicate_search(help_request)[:1].explain(analyze=True, buffers=True)
        transaction.set_rollback(True)
    return text


def timed_finds(rng: random.Random) -> tuple[list[float], list[float], Counter]:
    """The time of `possible_duplicate_find` for each probe (the threshold's query, the search's, and Django building
    and compiling it), then the database's own time for the search (planning and execution, EXPLAIN ANALYZE)."""
    timings, database, flagged = [], [], Counter()
    probes = [probe(rng) for _ in range(PROBES)]
    for help_request in probes:
        with transaction.atomic():
            start = time.perf_counter()
            match = possible_duplicate_find(help_request)
            timings.append((time.perf_counter() - start) * 1000)
            sql, params = possible_duplicate_search(help_request)[:1].query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
                measured = cursor.fetchone()[0][0]
            database.append(measured["Planning Time"] + measured["Execution Time"])
            transaction.set_rollback(True)
        flagged[help_request.repeats, match is not None] += 1
    return timings, database, flagged


def main() -> None:
    database_ready()
    seed()
    rng = random.Random(20)
    total = HelpRequest.objects.count()
    open_count = HelpRequest.objects.open().count()
    biggest = (
        HelpRequest.objects.open().values("commune_id", "commune__name").annotate(n=Count("pk")).order_by("-n").first()
    )
    small = (
        HelpRequest.objects.open()
        .values("commune_id", "commune__name")
        .annotate(n=Count("pk"))
        .filter(n__gte=10)
        .order_by("n")
        .first()
    )
    print(f"{total:,} requests, {open_count:,} open; load average {os.getloadavg()[0]:.2f} (the cores are shared)")
    for label, commune in (("biggest commune", biggest), ("a small commune", small)):
        help_request = probe(random.Random(7), commune["commune_id"], repeats=True)
        print(f"\n## {label}: {commune['commune__name']}, {commune['n']:,} open requests")
        print(f"probe: {help_request.requester_name!r}, {help_request.address!r}\n")
        print(plan(help_request))
    help_request = probe(random.Random(7), biggest["commune_id"], repeats=True)
    print(f"\n## {biggest['commune__name']} without the index {SIMILAR_PERSON_INDEX} (dropped, rolled back)\n")
    print(plan(help_request, without_index=True))

    timed_finds(random.Random(1))  # warm the caches
    timings, database, flagged = timed_finds(rng)
    print(f"\npossible_duplicate_find, {len(timings)} probes from new numbers:")
    print(f"repeating an open request written another way: {flagged[True, True]} flagged, {flagged[True, False]} not")
    print(f"someone new (namesakes and neighbours exist): {flagged[False, True]} flagged, {flagged[False, False]} not")
    for label, values in (("the whole call", timings), ("the database (planning + execution)", database)):
        p50, p95 = statistics.median(values), statistics.quantiles(values, n=20)[18]
        print(f"{label}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {max(values):.2f} ms")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
