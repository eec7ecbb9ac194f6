"""gunicorn's logger, without personal data: gunicorn.conf.py names it as `logger_class`."""

from gunicorn.glogging import Logger

from core.log_redaction import QUERY_MARKER, RedactingFilter, redact_url

# The atoms an access log format may use (see gunicorn's access_log_format). The request and response headers
# ("{cookie}i", "{location}o") and the WSGI environ ("{query_string}e") are left out: an unknown atom prints "-".
KEPT_ATOMS = {"h", "l", "t", "s", "m", "H", "b", "B", "a", "T", "D", "M", "L", "p"}
# One instance, so that the setup a configuration reload runs again does not stack a second one.
ERROR_LOG_FILTER = RedactingFilter()


class RedactingLogger(Logger):
    """Access lines keep the method, the path's shape, the status, the size, the duration and the user agent; the
    query string, the secret path segments and the referrer's are redacted. The error log is filtered alike, as
    gunicorn writes the request line of a request that failed ("Error handling request GET /s/…")."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        self.error_log.addFilter(ERROR_LOG_FILTER)

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        kept = {name: value for name, value in atoms.items() if name in KEPT_ATOMS}
        method, uri, protocol = environ["REQUEST_METHOD"], environ.get("RAW_URI", "-"), environ["SERVER_PROTOCOL"]
        kept.update(
            r=f"{method} {redact_url(uri)} {protocol}",
            U=redact_url(environ.get("PATH_INFO") or "-"),
            q=QUERY_MARKER if environ.get("QUERY_STRING") else "",
            f=redact_url(environ.get("HTTP_REFERER", "-")),
            # The user name of HTTP basic authentication, which the portal does not use: it would be an email.
            u="-",
        )
        return kept
