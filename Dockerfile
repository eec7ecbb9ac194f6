# Entraide 54: one image for the web process (gunicorn), the Celery worker and Celery beat.
# Build: docker build -t entraide54 .   (or: docker compose build)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=entraide.settings.base

# Unprivileged account that runs every process of the image.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. The lock carries pip hashes,
# which turns on pip's hash-checking mode: every wheel is verified.
# Pango and a font for WeasyPrint, which draws the printable mission order as a PDF (orders/).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

# The code stays owned by root (read-only for the app user); only var/ is writable
# (SMS file backend, Celery beat schedule, the private files: volunteers' documents, receipt photos).
COPY . .
# SECRET_KEY is a throwaway value for this RUN line only: it never reaches the image's environment.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p /app/var/sms /app/var/celery /app/var/private \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# /sante/ answers 200 while the database does (a Redis outage is named in its body, not a failure: the
# portal keeps serving without Redis, see the README). The Host header must be in ALLOWED_HOSTS
# (HEALTHCHECK_HOST, default "localhost"). X-Forwarded-Proto: https keeps SECURE_SSL_REDIRECT from
# answering with a redirect: gunicorn trusts it from 127.0.0.1 (its default forwarded_allow_ips),
# and so does Django when BEHIND_TLS_PROXY=1. Compose also turns SECURE_SSL_REDIRECT off.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; r = u.Request('http://127.0.0.1:8000/sante/', headers={'Host': os.environ.get('HEALTHCHECK_HOST', 'localhost'), 'X-Forwarded-Proto': 'https'}); sys.exit(0 if u.urlopen(r, timeout=8).status == 200 else 1)"]

# gunicorn.conf.py reads the worker class, worker count, threads and timeouts from the environment
# (WEB_CONCURRENCY, GUNICORN_WORKER_CLASS, GUNICORN_THREADS...; 3 sync workers by default), keeps query strings and
# tracking tokens out of the access log and drops the Server banner.
CMD ["gunicorn", "entraide.wsgi:application", "-c", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
