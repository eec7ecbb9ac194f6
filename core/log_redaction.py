"""What a log line may say about a URL: its shape, never its query string nor the secrets some paths carry.

A tracking token is the only key to a help request, and a query string holds what staff typed (a phone number,
a surname): neither may reach a log, which outlives the data it describes. Plain Python, no Django: gunicorn's
master process imports this module before any Django setting is read.
"""

import logging
import re
from urllib.parse import quote, unquote, urlsplit

# Path segments that are secrets, after the segments that announce them (see the urls.py files): tracking and
# invitation tokens, the SMS delivery reports' secret, allauth's email-confirmation and password-reset keys. Matched
# anywhere in the path and whatever the case, so that a mistyped URL (a 404) does not leak a token either.
SECRET_SEGMENTS = [
    (re.compile(r"(/demandes/+suivi/+)[^/]+", re.IGNORECASE), "<token>"),
    (re.compile(r"(/s/+)[^/]+", re.IGNORECASE), "<token>"),
    (re.compile(r"(/invitation/+)[^/]+", re.IGNORECASE), "<token>"),
    (re.compile(r"(/relais/+)[^/]+", re.IGNORECASE), "<token>"),  # a hand-off's link to a responder
    (re.compile(r"(/sms/+accuses/+ovh/+)[^/]+", re.IGNORECASE), "<token>"),  # OVHcloud's delivery reports
    (re.compile(r"(/confirm-email/+)[^/]+", re.IGNORECASE), "<key>"),
    # ".../key/done/" is the page that follows a reset, not a key.
    (re.compile(r"(/password/+reset/+key/+)(?!done(?:/|$))[^/]+", re.IGNORECASE), "<key>"),
]
QUERY_MARKER = "<query>"
# What stays readable once the path is encoded again: RFC 3986 path characters and the markers. Quotes, spaces,
# control characters and non-ASCII letters are percent-encoded, so a path cannot break or forge a log line.
SAFE_PATH_CHARACTERS = "/<>:@!$&'()*+,;=~"
# A URL or an absolute path inside free text ("Not Found: /s/…", '"GET /x?y HTTP/1.1" 404').
URL_IN_TEXT = re.compile(r"""(?:https?://|(?<![\w/.~-])/)[^\s"']*""", re.IGNORECASE)


def redact_path(path: str) -> str:
    """The path with each secret segment replaced by a marker: `/demandes/suivi/<token>/`."""
    # Django routes on the decoded path, so the secrets are looked for there: "/s/%41bc" is "/s/Abc".
    decoded = unquote(path, errors="replace")
    for pattern, marker in SECRET_SEGMENTS:
        decoded = pattern.sub(lambda match, marker=marker: match.group(1) + marker, decoded)
    return quote(decoded, safe=SAFE_PATH_CHARACTERS)


def redact_url(url: str) -> str:
    """A path or an absolute URL as a log may show it: scheme, host and path shape, the query reduced to a marker.

    `/accueil-telephonique/?telephone=%2B336…` gives `/accueil-telephonique/?<query>`; a fragment and any user
    name or password before the host are dropped. Anything that is not a URL ("-", "*") is returned unchanged.
    """
    if "://" in url:
        parts = urlsplit(url)
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:  # a port that is not a number
            port = ""
        origin, path, query = f"{parts.scheme}://{parts.hostname or ''}{port}", parts.path, parts.query
    elif url.startswith("/"):
        # Not urlsplit: it would read "//s/<token>" as a host "s" and a path "/<token>".
        origin = ""
        path, _, query = url.partition("#")[0].partition("?")
    else:
        return url
    return f"{origin}{redact_path(path)}{f'?{QUERY_MARKER}' if query else ''}"


def redact_text(text: str) -> str:
    """Free text with every URL or absolute path in it redacted (a log message, a request line)."""
    return URL_IN_TEXT.sub(lambda match: redact_url(match.group()), text)


class RedactingFilter(logging.Filter):
    """Redacts the URLs of every record that passes (Django's "Not Found: /s/<token>/", gunicorn's errors), in its
    message and in its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is the handler's to report, not ours
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        # A traceback quotes its exception's text (a URL, a value PostgreSQL refused): formatters reuse exc_text
        # when it is set, so the cleaned one is what gets written.
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        return True
