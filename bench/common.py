"""What every benchmark does before measuring: its own database, created and migrated once, and a progress bar
while it seeds. Imported after django.setup()."""

import random
import sys
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from psycopg import connect

from accounts.models import User
from core.models import Commune
from volunteers.models import VolunteerProfile

BATCH = 5000


def machine_cpu() -> tuple[int, int]:
    """The machine's CPU time so far, and the part of it the hypervisor gave to other machines (steal), in ticks:
    on a shared virtual machine, a run that lost a third of its CPU that way measures the neighbours too."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    return sum(ticks), ticks[7]


def steal_share(before: tuple[int, int]) -> float:
    total, steal = machine_cpu()
    return (steal - before[1]) / max(total - before[0], 1)


def progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stdout.write(f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,}")
    sys.stdout.flush()
    if done >= total:
        sys.stdout.write("\n")


def database_ready() -> None:
    """Creates the benchmark's database if needed, then brings it to the current schema and reference data."""
    name = connections["default"].settings_dict["NAME"]
    with connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)


def populated_communes() -> tuple[list, list]:
    """The communes and their populations, to spread people over the département as it lives."""
    communes = list(Commune.objects.filter(population__isnull=False))
    return communes, [c.population for c in communes]


def volunteers_seed(rng: random.Random, total: int) -> int:
    """Tops the database up to `total` verified volunteers spread by population, with random reach, domains,
    availability, capacity and history; 95 % eligible. Returns how many it added: a second run adds none."""
    existing = VolunteerProfile.objects.count()
    if existing >= total:
        return 0
    communes, weights = populated_communes()
    reaches = ["commune", "epci", "epci", "arrondissement", "departement", "remote_only"]
    now = timezone.now()
    for start in range(existing, total, BATCH):
        count = min(BATCH, total - start)
        users = User.objects.bulk_create(
            [User(email=f"benevole{start + i}@bench.fr", password="!") for i in range(count)], batch_size=BATCH
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=BATCH
        )
        profiles = []
        for user in users:
            home = rng.choices(communes, weights=weights)[0]
            profiles.append(
                VolunteerProfile(
                    user=user,
                    home_commune=home,
                    home_epci_id=home.epci_id,
                    home_arrondissement_id=home.arrondissement_id,
                    reach=rng.choice(reaches),
                    domains=rng.randrange(1, 16),
                    availability=rng.randrange(1, 1 << 21),
                    has_vehicle=rng.random() < 0.4,
                    capacity=rng.randrange(1, 4),
                    is_adult=True,
                    no_symptoms=True,
                    charter_accepted_at=now,
                    is_eligible=rng.random() < 0.95,
                    completed_count=rng.randrange(0, 10),
                    last_assigned_at=None if rng.random() < 0.5 else now - timedelta(days=rng.randrange(0, 30)),
                )
            )
        VolunteerProfile.objects.bulk_create(profiles, batch_size=BATCH)  # save() is bypassed: fields set above
        progress("volunteers", start + count, total)
    return total - existing
