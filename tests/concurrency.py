"""Races on PostgreSQL: several threads, each on its own connection, released at the same instant."""

import threading

from django.db import connection


def run_at_once(*jobs, timeout: float = 60) -> list:
    """Runs each job in its own thread, all starting together; returns what each returned or the exception it
    raised (in the order they finished), so that a test counts the refusals it expects."""
    start = threading.Barrier(len(jobs))
    outcomes = []

    def run(job):
        try:
            start.wait()
            outcomes.append(job())
        except Exception as refusal:  # a refusal is an outcome the test looks at
            outcomes.append(refusal)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
