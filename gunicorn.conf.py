"""gunicorn's configuration: how many processes and threads serve, what its logs may hold, and what its responses
say about it.

gunicorn reads this file from its working directory by itself; the Dockerfile and docker-compose.yml still name
it (`-c gunicorn.conf.py`) so that nobody wonders where the settings come from. Command-line options (bind,
--access-logfile) are applied after it and win: the process model is set here, from the environment, so that one
image serves every size of deployment (docs/scaling.md).
"""

import os

from gunicorn.http.wsgi import Response

from entraide.settings.env import env_int

# --- Processes and threads ------------------------------------------------------------------------
# sync: one request at a time per process, the proxy in front buffering slow clients (deploy/nginx.conf).
# gthread: GUNICORN_THREADS requests per process, each thread with its own database connection. A dotted path
# (an ASGI server's gunicorn worker) is taken as it is, for measurements.
WORKER_CLASSES = {"sync", "gthread"}
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync").strip() or "sync"
if worker_class not in WORKER_CLASSES and "." not in worker_class:
    raise ValueError(f"GUNICORN_WORKER_CLASS must be sync, gthread or a dotted class path, got {worker_class!r}")
workers = env_int("WEB_CONCURRENCY", 3)
threads = env_int("GUNICORN_THREADS", 1)
if workers < 1 or threads < 1:
    raise ValueError("WEB_CONCURRENCY and GUNICORN_THREADS must be at least 1")
# gunicorn would quietly turn a sync worker with threads into a gthread one: say which is wanted instead.
if worker_class == "sync" and threads > 1:
    raise ValueError("GUNICORN_THREADS > 1 needs GUNICORN_WORKER_CLASS=gthread")
# A request still running after this many seconds has its worker killed and restarted (sync) or is logged (gthread).
timeout = env_int("GUNICORN_TIMEOUT", 30)
# On a stop or a reload, running requests get this long to finish: longer than compose's stop grace would be cut.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds an idle connection is kept open (gthread and async workers; sync closes after each response). Longer than
# the proxy's own idle upstream connections, if it keeps any, so that gunicorn is never the side that closes first.
keepalive = env_int("GUNICORN_KEEPALIVE", 2)
# A worker restarted after this many requests (0: never), jittered so that they do not all restart together: a
# bound on slow memory growth, off until one is seen.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 0)

# --- Logs and headers -----------------------------------------------------------------------------
# No query string, no tracking token, no referrer's: see entraide/gunicorn_logging.py and core/log_redaction.py.
logger_class = "entraide.gunicorn_logging.RedactingLogger"
# Apache's combined format, plus the duration in milliseconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def _without_server_header(default_headers):
    def headers(self) -> list[str]:
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    return headers


# gunicorn 27 has no setting for its "Server: gunicorn" banner: Response.default_headers writes it into every
# HTTP/1 response. The workers are forked from the process that reads this file, so they inherit the change.
Response.default_headers = _without_server_header(Response.default_headers)
