"""In portal rather than core: besides core's reference data, it refreshes accounts' staff group, whose
permissions span every app."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from accounts.services import staff_group_ensure
from core.reference_data import load_communes, load_help_types
from core.territories import territory_code


class Command(BaseCommand):
    help = "Charge les types d'aide et les communes du territoire (TERRITORY, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--territory", "--departement", default=settings.TERRITORY)

    def handle(self, *args, territory, verbosity, **options):
        try:
            code = territory_code(territory, setting="--territory")
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        created = load_help_types()
        staff_group_ensure()
        result = load_communes(code)
        if verbosity:
            self.stdout.write(
                f"Types d'aide : {created} créés. Communes du {code} : {result.total} "
                f"({result.created} créées, {result.updated} mises à jour)."
            )
