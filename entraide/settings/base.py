"""Settings for every environment, read from environment variables (see the README's table).

The embedded default (no variable set but DEBUG=1) runs on a SQLite file under var/ with eager tasks
and messages printed to the console; production sets DATABASE_URL, REDIS_URL, SECRET_KEY and friends.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from core.release import pages_fingerprint
from core.territories import territory_code, territory_names
from entraide.settings.env import env_bool, env_float, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The département the portal serves: its communes come from core/data/territories/<code>.json, its code prefixes
# the requests' references. DEPARTEMENT is the setting's former name, still read in this release only.
TERRITORY = territory_code(env_str("TERRITORY") or env_str("DEPARTEMENT") or "54")
DEPARTEMENT = TERRITORY  # for code not yet moved to TERRITORY; removed with the DEPARTEMENT variable
DEPARTEMENT_NAME = env_str("DEPARTEMENT_NAME") or territory_names()[TERRITORY]
PORTAL_NAME = env_str("PORTAL_NAME", f"Entraide {TERRITORY}")
HOTLINE_PHONE = env_str("HOTLINE_PHONE", "03 83 94 54 54")
# Shown after the number wherever it appears (core/templatetags/hotline.py); empty to show none.
HOTLINE_HOURS = env_str("HOTLINE_HOURS", "7 jours sur 7 de 9 h à 18 h")
# The operator's brand (core/brand.py): who runs the portal, as its pages, emails and legal notice name it. The
# defaults are the Meurthe-et-Moselle's; another département sets its own. A colour pair under WCAG AA contrast
# (4.5:1) stops the portal at start-up (system check entraide.E001).
# Written as it starts a sentence ("Le département de … enregistre vos informations"), article included.
OPERATOR_NAME = env_str("OPERATOR_NAME", f"Le département de {DEPARTEMENT_NAME}")
OPERATOR_SHORT_NAME = env_str("OPERATOR_SHORT_NAME", DEPARTEMENT_NAME)
# A file under static/ (img/logo.svg, the portal's own mark) or an absolute URL or path served elsewhere.
OPERATOR_LOGO = env_str("OPERATOR_LOGO", "img/logo.svg")
# The main colour (header, buttons, links on white) and the colour of text drawn on it.
BRAND_COLOR = env_str("BRAND_COLOR", "#1f5c4a")
BRAND_TEXT_ON_COLOR = env_str("BRAND_TEXT_ON_COLOR", "#ffffff")
# A second colour, for the page's accents (the focus ring, the current page in the menu): on white, it too must read.
BRAND_ACCENT_COLOR = env_str("BRAND_ACCENT_COLOR", "#a4343a")
# The address written in the legal notice and the privacy notice: the Meurthe-et-Moselle's hôtel du département by
# default, nothing for another territory until its operator sets it.
OPERATOR_ADDRESS = env_str(
    "OPERATOR_ADDRESS", "48 esplanade Jacques-Baudot, CO 900 19, 54035 Nancy Cedex" if TERRITORY == "54" else ""
)
# The legal notice's publisher ("éditeur") and its director of publication, as the law asks them named.
LEGAL_PUBLISHER = env_str(
    "LEGAL_PUBLISHER",
    f"{OPERATOR_NAME}, collectivité territoriale ; directeur de la publication : "
    "le président du conseil départemental",
)
# Where people write about their personal data: the data protection officer's electronic or postal address.
PRIVACY_CONTACT = env_str("PRIVACY_CONTACT", f"le délégué à la protection des données — {OPERATOR_NAME}")
# The portal's public address, for links in emails and SMS sent by workers (which have no request to read it from).
# Behind a reverse proxy that ends TLS: trust its X-Forwarded-Proto.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
# `make run PORT=8123` serves there, so the links sent by email and SMS follow the port unless SITE_URL is set.
PORT = env_int("PORT", 8000)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
# The proxies whose X-Forwarded-For is believed (addresses or CIDR networks), for the client address that rate
# limits and lockouts count (core/client_ip.py). None by default: the address is the direct peer's.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # PostgreSQL's index operator classes and trigram lookups (requests_app/similarity.py); inert on SQLite.
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_filters",
    "phonenumber_field",
    "ninja",  # its templates and static files: the API's documentation page without a CDN
    "accounts",
    "core",
    "requests_app",
    "associations",
    "volunteers",
    "matching",
    "pairings",
    "notifications",
    "campaigns",
    "crisis",
    "orders",
    "pilotage",
    "portal",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside every other: turns the API's errors into problem documents and logs its calls (api/middleware.py).
    "api.middleware.ApiMiddleware",
    "core.middleware.AllowedMethodsMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.AdminInlineStylesMiddleware",
    "core.middleware.PrivateByDefaultMiddleware",  # after authentication, to know who is signed in
    # Last, as its documentation asks: it turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "entraide.urls"
WSGI_APPLICATION = "entraide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
                "crisis.context_processors.crisis_banner",
                "accounts.context_processors.powers",
            ],
        },
    },
]
# Project templates (templates/) come first, so they override the widgets' own (templates/admin/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'entraide.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction mode (deploy/compose.pgbouncer.yml, docs/scaling.md), each transaction may run on
# another server connection: a server-side cursor (QuerySet.iterator()) would be looked for where it is not, so
# rows are fetched at once instead. Off by default: `make run` and a direct connection keep them.
BEHIND_PGBOUNCER = env_bool("BEHIND_PGBOUNCER", False)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = BEHIND_PGBOUNCER
# PostgreSQL's JIT compiles a query whose plan looks costly: at 1,000,000 volunteers it compiled some of the
# matching's walks, for 26.5 ms at the 95th percentile against 10.9 ms without (BENCHMARKS.md, 2026-12-02); the
# portal's queries are short, none gains. Off for each connection; PgBouncer refuses the option, so behind it the
# server itself runs with JIT off (deploy/compose.pgbouncer.yml). First, so that what the operator gives wins: libpq
# forgets PGOPTIONS once a connection names its options, hence PGOPTIONS, then DATABASE_URL's own ?options=.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not BEHIND_PGBOUNCER:
    connection_options = DATABASES["default"].setdefault("OPTIONS", {})
    given = (env_str("PGOPTIONS", ""), connection_options.get("options", ""))
    connection_options["options"] = " ".join(["-c jit=off", *filter(None, given)])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker ---------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# Redis may fail; the portal must not. The cache is django-redis behind a small guard (core/cache.py) that does any
# operation Redis cannot serve on Django's own database cache: pages are still cached, sessions still read,
# allauth's rate limits still counted. A cache that only missed (django-redis's IGNORE_EXCEPTIONS) was tried: allauth
# then refuses every sign-in with a 429, as it cannot take its lock. Connections give up fast, so that an unreachable
# host does not hold pages.
REDIS_CACHE_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.25),
    "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.5),
    # redis-py retries a refused connection three times with a growing pause by default: the fallback is faster.
    "CONNECTION_POOL_KWARGS": {"retry": None},
}
# Cached pages and fragments belong to the release that drew them: RELEASE (set by the deployment, e.g. the image's
# tag) or a digest of the templates and translations (core/release.py). The rate limits' counters keep one prefix.
RELEASE = env_str("RELEASE") or pages_fingerprint(BASE_DIR)
CACHE_KEY_PREFIX = f"entraide:{RELEASE}"
# Created by core's migration 0003 (createcachetable), in every environment, so that setting REDIS_URL later works.
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "core_cache_fallback",
    "KEY_PREFIX": CACHE_KEY_PREFIX,
    "OPTIONS": {"MAX_ENTRIES": 50_000},
}
# The layout's fixed parts (header, footer), drawn once per process for each language, kind of visitor and value of
# what they show, which is all in their keys: in memory, since a trip to Redis would cost half of a draw.
LAYOUT_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "layout",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 2_000},
}
if REDIS_URL:
    # The prefix keeps cache keys apart from the Celery broker's, which share the Redis database.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisWithDatabaseFallback",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": REDIS_CACHE_OPTIONS,
            "FALLBACK": "database",
        },
        # Counters of the public form's rate limits (core/ratelimit.py): they see an outage and count in PostgreSQL
        # with one atomic statement each, which the database cache's increment (a read then a write) is not.
        "counters": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "entraide",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
        "database": DATABASE_CACHE,
        "layout": LAYOUT_CACHE,
    }
    # Sessions are rows of the database, read through the cache: an outage slows them down, never signs anyone out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "counters": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counters"},
        "database": DATABASE_CACHE,
        "layout": LAYOUT_CACHE,
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker the embedded default runs every task in-process, at once.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
# A task is acknowledged only once done and put back if its worker dies, so a killed worker loses
# no message; tasks are written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The matching's batch has a queue of its own: its chunks and leftovers must not wait behind the thousands of
# messages its proposals queue as they commit. Every worker consumes both queues (no -Q), taking them in turn.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("matching"))
CELERY_TASK_ROUTES = {
    "matching.tasks.propose_chunk": {"queue": "matching"},
    "matching.tasks.propose_leftovers": {"queue": "matching"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When Redis drops, a delivery already running finishes (the row lock makes a later redelivery a no-op) instead of
# being killed half-way, which could send a message the provider had accepted a second time; Celery 6 flips this.
# celery stays below 5.7 (pyproject.toml): on a lost connection, 5.7.0 closes it again after collect() has detached
# its transport, restoring a task still in flight then reads a host from None ("'NoneType' object has no attribute
# 'hostname'") and the worker exits. Same failure as https://github.com/celery/kombu/issues/970; the second close
# came with the reconnection fixes for https://github.com/celery/celery/issues/9705. Checked by
# tests/resilience/test_worker_survives_broker.py, to run before lifting the pin.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# When Redis is down, publishing gives up after about a second: the web request that caused a message must not
# hang, and the message waits in the outbox for the sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
# How often the SMS waiting at OVHcloud are collected (core/sms_providers/ovh.py): a volunteer's "OUI" must reach a
# proposal well within its deadline, and each poll is one signed call when nothing waits.
SMS_INBOUND_POLL_SECONDS = env_int("SMS_INBOUND_POLL_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "expire-proposals": {"task": "matching.tasks.expire_proposals", "schedule": 5 * 60},
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 2 * 60},
    # Only OVHcloud keeps the SMS it receives for the portal to collect; with another backend the task does nothing.
    "collect-inbound-sms": {"task": "notifications.tasks.collect_inbound_sms", "schedule": SMS_INBOUND_POLL_SECONDS},
    "alert-urgent-unassigned": {"task": "requests_app.tasks.alert_urgent_unassigned", "schedule": 10 * 60},
    "alert-overdue-callbacks": {"task": "requests_app.tasks.alert_overdue_callbacks", "schedule": 5 * 60},
    "reopen-unanswered-arrivals": {"task": "requests_app.tasks.reopen_unanswered_arrivals", "schedule": 15 * 60},
    "daily-digests": {"task": "requests_app.tasks.send_daily_digests", "schedule": crontab(hour=7, minute=30)},
    "data-retention": {"task": "requests_app.tasks.apply_retention", "schedule": crontab(hour=3, minute=15)},
    "register-retention": {"task": "campaigns.tasks.erase_expired_registers", "schedule": crontab(hour=3, minute=45)},
    # Regular help (pairings): the coming weeks' visits at night; the morning after a visit, a reminder if unconfirmed.
    "generate-visits": {"task": "pairings.tasks.generate_visits", "schedule": crontab(hour=2, minute=30)},
    "sweep-visits": {"task": "pairings.tasks.sweep_visits", "schedule": crontab(hour=10, minute=0)},
    # The open API: idempotency keys past IDEMPOTENCY_KEY_HOURS, call-log lines past ACCESS_LOG_DAYS.
    "api-housekeeping": {"task": "api.tasks.housekeeping", "schedule": 60 * 60},
    # Volunteers' checked documents: those past their date expire (their level ends), and reminders before it.
    "expire-vetting-documents": {"task": "volunteers.tasks.expire_vetting_documents", "schedule": crontab(hour=2)},
    # Health rules published ahead of their date are announced to volunteers on the morning they apply.
    "announce-health-rules": {
        "task": "matching.tasks.announce_health_rules_in_force",
        "schedule": crontab(hour=7, minute=0),
    },
}

# --- Data retention (requests_app/retention.py, stated on the privacy page) -----------------------
RETENTION_DAYS = env_int("RETENTION_DAYS", 90)  # after a request is closed, before it is anonymised
UNVERIFIED_ACCOUNT_DAYS = env_int("UNVERIFIED_ACCOUNT_DAYS", 30)  # an account never confirmed is then removed
LOGIN_FAILURES_DAYS = env_int("LOGIN_FAILURES_DAYS", 30)  # a failed login (an address and an IP) is then removed
# A register's people are kept for the campaign that calls them: erased this long after its last campaign closes
# (or after the import, if no campaign ever used it), long enough to answer the commune's questions afterwards.
REGISTER_RETENTION_DAYS = env_int("REGISTER_RETENTION_DAYS", 30)
# Not from the environment: on PostgreSQL the database itself refuses to delete a younger line (the trigger of
# requests_app migration 0003 holds the same number; tests/privacy/test_retention.py ties the two).
ACCESS_LOG_DAYS = 365

# --- Volunteers' checked documents (volunteers/vetting.py, README "Vetted volunteers") -------------------------------
# An extract of the criminal record (bulletin n° 3) counts this many days from the date printed on it: an older one is
# refused at upload. An identity document, checked once, counts this many days from staff's approval.
VETTING_RECORD_VALID_DAYS = env_int("VETTING_RECORD_VALID_DAYS", 90)
VETTING_IDENTITY_VALID_DAYS = env_int("VETTING_IDENTITY_VALID_DAYS", 365)
# The volunteer is told this many days before a document ends, then on the day.
VETTING_EXPIRY_WARNING_DAYS = env_int("VETTING_EXPIRY_WARNING_DAYS", 7)
# The file of a refused, expired or withdrawn document is deleted this long after; the row stays, without it.
VETTING_DOCUMENT_RETENTION_DAYS = env_int("VETTING_DOCUMENT_RETENTION_DAYS", 30)

# --- Notifications (outbox) -----------------------------------------------------------------------
# Tries before a message is marked failed, and the first delay between tries (then doubled each time, at most
# an hour: 1, 2, 4, … 60 minutes, about two hours in all with the defaults), so an outage loses nothing.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8)
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)
# A message still pending this long after it was due lost its task: the sweep queues it again.
NOTIFICATION_SWEEP_MINUTES = env_int("NOTIFICATION_SWEEP_MINUTES", 3)
NOTIFICATION_ENQUEUE_RETRY = CELERY_TASK_PUBLISH_RETRY_POLICY
# Staff are alerted when an urgent request is still not taken this long after it was filed.
URGENT_ALERT_MINUTES = env_int("URGENT_ALERT_MINUTES", 60)

# --- Callbacks (requests_app/callbacks.py) ------------------------------------------------------
# Tries that do not reach the person (no answer, voicemail) before the request goes to staff (needs_staff);
# a wrong number goes at once.
CALLBACK_MAX_ATTEMPTS = env_int("CALLBACK_MAX_ATTEMPTS", 3)
if CALLBACK_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(f"CALLBACK_MAX_ATTEMPTS must be at least 1, got {CALLBACK_MAX_ATTEMPTS}")
# After a failed try, the next one is due this much later, moved into the person's preferred slots if it falls out.
CALLBACK_RETRY_MINUTES = env_int("CALLBACK_RETRY_MINUTES", 60)
# Staff are alerted once about a callback still not made this long after it was due.
CALLBACK_OVERDUE_ALERT_MINUTES = env_int("CALLBACK_OVERDUE_ALERT_MINUTES", 30)

# --- Check-in campaigns (campaigns/) ---------------------------------------------------------------
# Unanswered calls ("pas de réponse", "message laissé") before a person leaves the call sheets for the staff's list
# of people to reach otherwise (a home visit by the commune): three tries, on different days if the caller can.
CAMPAIGN_MAX_CALL_ATTEMPTS = env_int("CAMPAIGN_MAX_CALL_ATTEMPTS", 3)
# A register file: a large commune's heatwave register is a few thousand lines; more is a mistake of file, and the
# preview holds every line in one page and one session.
REGISTER_IMPORT_MAX_ROWS = env_int("REGISTER_IMPORT_MAX_ROWS", 5000)
REGISTER_IMPORT_MAX_BYTES = env_int("REGISTER_IMPORT_MAX_BYTES", 2 * 1024 * 1024)

# --- SMS received (requests_app/sms_replies.py, arrival.py) ---------------------------------------
# "L'aide est-elle bien arrivée ?" unanswered this long after it was asked reopens the request for an agent, as a "2"
# would: a person who never answers may be the one help never reached. Two days leave room for a weekend.
ARRIVAL_ANSWER_HOURS = env_int("ARRIVAL_ANSWER_HOURS", 48)
# The most a volunteer may record as advanced for someone's shopping (requests_app/advances.py): a week's groceries,
# not a purchase the portal should carry.
ADVANCE_MAX_EUROS = env_int("ADVANCE_MAX_EUROS", 300)
# Staff are emailed that texts wait in the inbox at most once in this many minutes, however many arrive.
SMS_INBOX_ALERT_MINUTES = env_int("SMS_INBOX_ALERT_MINUTES", 15)

# --- Volunteers and proposals -------------------------------------------------------------------
# Hours a volunteer has to answer a proposal, by the request's urgency (1 urgent, 2 normal, 3 flexible).
PROPOSAL_RESPONSE_HOURS = {
    1: env_int("PROPOSAL_HOURS_URGENT", 2),
    2: env_int("PROPOSAL_HOURS_NORMAL", 12),
    3: env_int("PROPOSAL_HOURS_FLEXIBLE", 24),
}
# The others count only daytime hours, 08:00 to 20:00 (matching.services.response_deadline): no deadline at night.
PROPOSAL_ROUND_THE_CLOCK_URGENCIES = frozenset({1})

# Triage queue: "je m'en occupe" holds a request for an agent this long (minutes); past it, the request is free
# again without anyone releasing it (requests_app.models.hold_cutoff).
HOLD_MINUTES = env_int("HOLD_MINUTES", 30)

# Matching: propose at once when staff triage a request; after this many declines or expiries, staff take over.
MATCHING_ON_TRIAGE = env_bool("MATCHING_ON_TRIAGE", True)
MATCHING_MAX_ATTEMPTS = env_int("MATCHING_MAX_ATTEMPTS", 3)
# Help types proposed to a volunteer as soon as they are filed, before any staff review (codes, comma-separated).
MATCHING_AUTO_HELP_TYPES = env_list("MATCHING_AUTO_HELP_TYPES", [])
# Regular help: how many weeks ahead a pairing's visits exist, so that the volunteer sees what comes and a pause
# can be set over known dates; the nightly task adds the next one as each week passes.
PAIRING_WEEKS_AHEAD = env_int("PAIRING_WEEKS_AHEAD", 4)

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt for a user and address locked out after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:my_space"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming from the browser that signed up finishes that sign-in (allauth keeps it pending in the session);
# a link opened elsewhere still leads to the login page.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# The same forms, refusing a mistyped address in the portal's words (accounts/forms.py).
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "add_email": "accounts.forms.AddEmailForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PORTAL_NAME}] "
# allauth's limits, counted in the cache (Redis in production): sign-up, failed logins, resets, confirmations.
ACCOUNT_RATE_LIMITS = {
    "signup": env_str("RATE_LIMIT_SIGNUP", "10/h/ip"),
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "5/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/ip",
}
# Optional two-factor authentication (an authenticator app, with recovery codes), offered to staff in their space.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PORTAL_NAME

# django-axes: after AXES_FAILURE_LIMIT failed logins for one account from one address, that pair is locked
# for an hour. It guards the admin's login, which is allauth's (accounts/admin.py), and every other login.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_DISABLE_ACCESS_LOG = True  # failures are enough; a log of every success would be one more file of personal data
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"  # the address the rate limits count, TRUSTED_PROXIES applied

# The public request form: per address and per phone number or email, French message and HTTP 429 beyond.
RATE_LIMIT_REQUEST_FORM_IP = env_str("RATE_LIMIT_REQUEST_FORM_IP", "20/h")
RATE_LIMIT_REQUEST_FORM_CONTACT = env_str("RATE_LIMIT_REQUEST_FORM_CONTACT", "5/d")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# The open API (api/): calls per token, counted like the limits above (Redis, the database while Redis is down).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/m")
# How long the first answer to a call with an Idempotency-Key header is kept for a repeat of that call.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)
# The open data of the API (api/public.py): how long an answer is kept, in the portal's cache and (Cache-Control's
# max-age) by browsers and proxies. The portal's copy follows any change to a mission or an organisation at once (the
# change gives the cache a new version); the others' copies cannot be recalled, hence a short time.
OPEN_DATA_CACHE_SECONDS = env_int("OPEN_DATA_CACHE_SECONDS", 60)
OPEN_DATA_LICENCE = {
    "id": env_str("OPEN_DATA_LICENCE_ID", "etalab-2.0"),  # its SPDX identifier
    "name": env_str("OPEN_DATA_LICENCE_NAME", "Licence Ouverte / Open Licence version 2.0"),
    "url": env_str(
        "OPEN_DATA_LICENCE_URL",
        "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
    ),
}

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True

# --- Email and SMS --------------------------------------------------------------------------------
# Django 6.1 replaces EMAIL_BACKEND by a MAILERS dict: this block is the one place to change then.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{PORTAL_NAME} <ne-pas-repondre@entraide{TERRITORY.lower()}.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # for EMAIL_BACKEND "filebased"
# Printed to the console in development; in production, files under SMS_FILE_PATH until a provider is set: the
# console would put every message into the logs (`check --deploy` warns about it, core/checks.py).
SMS_BACKEND = env_str("SMS_BACKEND", "console" if DEBUG else "file")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms"))
# A provider that does not answer within this is tried again later (a task must not hang on it).
SMS_TIMEOUT_SECONDS = env_float("SMS_TIMEOUT_SECONDS", 10)
# When the provider's account sends nothing (credit spent, credentials refused), every SMS waits this long before
# one is tried again, and staff are alerted once for each pause (notifications/delivery.py).
SMS_PAUSE_MINUTES = env_int("SMS_PAUSE_MINUTES", 60)
# The outbox's guards on outgoing SMS (notifications/guards.py). At most this many SMS go to one number in any hour
# and in any 24 hours; the next waits until the window allows, and leaves then. A person in a crisis exchange gets a
# handful in an hour (reference, taken in charge, a proposal and its confirmation, an answer): beyond, it is a fault
# or a loop (the portal answering an answering machine) that nobody should be flooded by. 0: no limit.
SMS_PER_NUMBER_PER_HOUR = env_int("SMS_PER_NUMBER_PER_HOUR", 6)
SMS_PER_NUMBER_PER_DAY = env_int("SMS_PER_NUMBER_PER_DAY", 20)
# SMS the portal may spend in a day (Paris time), counted in SMS parts as the provider bills them; 0: no budget. Staff
# are written to once at 80 % and once at 100 %; beyond, only the messages to the people helped and the answers to
# texts go, the others wait for the next morning. The département sets it from its contract with the provider.
SMS_DAILY_BUDGET = env_int("SMS_DAILY_BUDGET", 0)

# SMS_BACKEND=ovh, the département's default provider: OVHcloud, French, data in France (core/sms_providers/ovh.py).
# The keys come from https://eu.api.ovh.com/createToken/ with POST /sms/*/jobs granted; the service name is the SMS
# account's (sms-ab12345-1). Without a declared sender name, messages come from a short number that can be answered.
OVH_ENDPOINT = env_str("OVH_ENDPOINT", "ovh-eu")
OVH_APPLICATION_KEY = env_str("OVH_APPLICATION_KEY")
OVH_APPLICATION_SECRET = env_str("OVH_APPLICATION_SECRET")
OVH_CONSUMER_KEY = env_str("OVH_CONSUMER_KEY")
OVH_SMS_SERVICE_NAME = env_str("OVH_SMS_SERVICE_NAME")
OVH_SMS_SENDER = env_str("OVH_SMS_SENDER")
# The secret in the delivery reports' address, /sms/accuses/ovh/<token>/: empty, every report is refused.
OVH_SMS_REPORT_TOKEN = env_str("OVH_SMS_REPORT_TOKEN")

# SMS_BACKEND=twilio (core/sms_providers/twilio.py): from a number, or from a Messaging Service if one is named.
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID")
# Where Twilio reports each message's delivery (notifications/urls.py); empty to rely on the Messaging Service's own.
TWILIO_STATUS_CALLBACK_URL = env_str("TWILIO_STATUS_CALLBACK_URL", f"{SITE_URL}/sms/accuses/twilio/")

# Numbers typed the French way (06 12 34 56 78) are read as French and stored in E.164.
PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Volunteers' checked documents and receipt photos (core/private_files.py): outside the static files and with no
# URL of their own; each is served by a view that checks who asks and writes it in an access log.
PRIVATE_FILES_ROOT = env_str("PRIVATE_FILES_ROOT") or str(BASE_DIR / "var" / "private")
PRIVATE_UPLOAD_MAX_BYTES = env_int("PRIVATE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT, "base_url": "/nulle-part/"},
    },
}

# --- Security -------------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token in a hidden field
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # a shared computer at a town hall or a library must not stay signed in
# Only the portal's own files run or style a page: no inline script or style, no third-party origin.
# Every script is a static file (static/js/); styles are classes in static/css/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # An operator's logo served from its own site (OPERATOR_LOGO as an absolute URL) is the one outside image.
        "img-src": [
            SELF,
            "data:",
            *([urlsplit(OPERATOR_LOGO)._replace(path="").geturl()] if "://" in OPERATOR_LOGO else []),
        ],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No query string nor tracking token in any line: Django writes the path of a 404 ("Not Found: /s/<token>/").
    "filters": {"redact_urls": {"()": "core.log_redaction.RedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_urls"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # axes writes a line at INFO for every successful login: warnings (lockouts) are what matters.
        "axes": {"level": "WARNING"},
        # Twilio's client writes each API call's address and headers at INFO, ten lines an SMS: its errors are enough.
        "twilio.http_client": {"level": "WARNING"},
        # WeasyPrint (orders/pdf.py) writes each step of every PDF it draws at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        # Django's defaults give these two handlers of their own, unfiltered (and a mail to ADMINS with the whole
        # request): their lines go through the root's handler instead.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Hand-offs to responders outside the portal (requests_app/handoffs.py) -------------------------
# A hand-off's link (/relais/<token>/) serves one answer and expires this long after it was sent: the first link,
# and the one sent when the responder takes the request (for "c'est fait"). Staff may send a fresh one.
HANDOFF_LINK_VALID_HOURS = env_int("HANDOFF_LINK_VALID_HOURS", 72)
# Staff are emailed once, and the request flagged in the queue, when a responder has not answered this long after.
HANDOFF_ANSWER_HOURS = env_int("HANDOFF_ANSWER_HOURS", 24)
if HANDOFF_ANSWER_HOURS < 1 or HANDOFF_LINK_VALID_HOURS < 1:
    raise ImproperlyConfigured("HANDOFF_ANSWER_HOURS and HANDOFF_LINK_VALID_HOURS must be at least 1")
# Every look at /relais/<token>/ counts against the address it comes from: a guessed token finds nothing anyway
# (144 random bits), and this keeps anyone from trying many.
RATE_LIMIT_HANDOFF_LINK = env_str("RATE_LIMIT_HANDOFF_LINK", "30/h")
CELERY_BEAT_SCHEDULE["alert-unanswered-hand-offs"] = {
    "task": "requests_app.tasks.alert_unanswered_hand_offs",
    "schedule": 15 * 60,
}

# --- Mission orders (orders/) ---------------------------------------------------------------------
# A printed mission order is valid this many days at most (less when the mission ends sooner); the volunteer prints
# a new one once it has expired, while her assignment lives.
MISSION_ORDER_VALID_DAYS = env_int("MISSION_ORDER_VALID_DAYS", 14)
if MISSION_ORDER_VALID_DAYS < 1:
    raise ImproperlyConfigured("MISSION_ORDER_VALID_DAYS must be at least 1")
# Every look at /verifier/<code>/ counts against the address it comes from: a code has 50 random bits, and this keeps
# anyone from trying many. Officers at a checkpoint may share a mobile carrier's address, hence a generous rate.
RATE_LIMIT_MISSION_ORDER_CHECK = env_str("RATE_LIMIT_MISSION_ORDER_CHECK", "120/h")
