from celery import shared_task


@shared_task(ignore_result=False)
def ping() -> str:
    """Answers "pong" from a worker: lets the health checks and tests prove the broker round trip."""
    return "pong"
