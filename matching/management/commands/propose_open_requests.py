from django.conf import settings
from django.core.management.base import BaseCommand

from matching import batch
from matching.tasks import batch_dispatch


class Command(BaseCommand):
    help = (
        "Propose every request waiting for a volunteer at once (a département opening with a backlog): ranked and "
        "solved here, the proposals written by the Celery workers in parallel chunks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=batch.CHUNK_SIZE)
        parser.add_argument("--no-wait", action="store_true", help="Return once the chunks are queued.")

    def handle(self, *args, chunk_size: int, no_wait: bool, **options):
        plan = batch.batch_plan()
        self.stdout.write(
            f"{len(plan.assignments)} proposals to write (total score {plan.total}), "
            f"{len(plan.unassigned)} requests for which none of their candidates is free."
        )
        result = batch_dispatch(plan, chunk_size=chunk_size)
        if no_wait and not settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("Queued.")
            return
        proposed = result.get(disable_sync_subtasks=False)
        self.stdout.write(f"Written; then {proposed} more proposed one by one, the rest handed to staff.")
