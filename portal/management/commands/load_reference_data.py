"""In portal rather than core: besides core's reference data, it refreshes accounts' staff group, whose
permissions span every app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import staff_group_ensure
from core.reference_data import communes_file, load_communes, load_help_types


class Command(BaseCommand):
    help = "Charge les types d'aide et les communes du département (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--departement", default=settings.DEPARTEMENT)

    def handle(self, *args, departement, verbosity, **options):
        path = communes_file(departement)
        if not path.exists():
            raise CommandError(
                f"Aucun fichier de communes pour le département {departement} : {path} (voir core/data/README.md)."
            )
        created = load_help_types()
        staff_group_ensure()
        result = load_communes(departement, path)
        if verbosity:
            self.stdout.write(
                f"Types d'aide : {created} créés. Communes du {departement} : {result.total} "
                f"({result.created} créées, {result.updated} mises à jour)."
            )
