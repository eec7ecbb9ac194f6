"""gunicorn's configuration: what its logs may hold, and what its responses say about it.

gunicorn reads this file from its working directory by itself; the Dockerfile and docker-compose.yml still name
it (`-c gunicorn.conf.py`) so that nobody wonders where the log format comes from. Command-line options (bind,
workers, --access-logfile) are applied after it and win.
"""

from gunicorn.http.wsgi import Response

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
