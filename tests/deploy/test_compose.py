"""docker-compose.yml's shape: one proxy in front of web replicas, workers as replicas, beat exactly once, PgBouncer
on request. There is no Docker engine to start it here; the file is read as Compose reads it, its ${VAR:-default}
values resolved against a given environment."""

import os
import re
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

APP_SERVICES = ("migrate", "web", "worker", "beat")
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?::-(?P<default>[^}]*))?\}")


def resolved(value, env: dict[str, str]):
    """Compose's interpolation of ${NAME} and ${NAME:-default}, enough for this file (no nesting)."""
    if isinstance(value, dict):
        return {key: resolved(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [resolved(item, env) for item in value]
    if isinstance(value, str):
        return VARIABLE.sub(lambda match: env.get(match["name"]) or match["default"] or "", value)
    return value


def compose(env: dict[str, str] | None = None, path: str = "docker-compose.yml") -> dict:
    return resolved(yaml.safe_load((ROOT / path).read_text()), {"SECRET_KEY": "x", **(env or {})})


def test_the_proxy_alone_publishes_the_port_on_the_loopback():
    services = compose()["services"]

    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"proxy"}
    assert services["proxy"]["ports"] == ["127.0.0.1:8000:8000"]
    assert services["proxy"]["image"].startswith("nginx:")
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in services["proxy"]["volumes"]
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert "healthcheck" in services["proxy"]


def test_web_runs_as_two_replicas_unless_told_otherwise_and_takes_its_workers_from_the_environment():
    assert compose()["services"]["web"]["deploy"]["replicas"] == "2"
    web = compose({"WEB_REPLICAS": "6", "WEB_CONCURRENCY": "4", "GUNICORN_WORKER_CLASS": "gthread"})["services"]["web"]

    assert web["deploy"]["replicas"] == "6"
    assert web["environment"]["WEB_CONCURRENCY"] == "4"
    assert web["environment"]["GUNICORN_WORKER_CLASS"] == "gthread"
    # A --workers on the command line would win over WEB_CONCURRENCY (gunicorn.conf.py).
    assert "--workers" not in web["command"] and "-w" not in web["command"]
    assert "gunicorn.conf.py" in web["command"]
    assert web["healthcheck"]["test"][-1].count("/sante/") == 1


def test_the_dockerfile_leaves_the_worker_count_to_gunicorn_conf():
    command = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    assert "gunicorn.conf.py" in command
    assert "--workers" not in command


def test_workers_run_as_replicas_and_beat_exactly_once():
    services = compose({"WORKER_REPLICAS": "4", "WORKER_CONCURRENCY": "3"})["services"]

    assert services["worker"]["deploy"]["replicas"] == "4"
    assert services["worker"]["command"][-2:] == ["--concurrency", "3"]
    assert "celery -A entraide inspect ping -d celery@$$HOSTNAME" in services["worker"]["healthcheck"]["test"][-1]
    # Two beats would send every scheduled job twice: no variable may change that.
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "beat" in services["beat"]["command"]


def test_migrations_run_once_before_any_replica_starts():
    services = compose()["services"]

    assert "migrate --noinput" in services["migrate"]["command"][-1]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in " ".join(services[name]["command"])


def test_the_proxy_balances_over_the_web_service_and_passes_the_forwarding_headers():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()

    assert re.search(r"server web:8000 resolve\b", conf)  # every replica, looked up again as they come and go
    assert re.search(r"^\s*listen 8000;", conf, re.MULTILINE)
    assert "proxy_pass http://web;" in conf
    assert "proxy_set_header X-Forwarded-Proto $forwarded_proto;" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "proxy_set_header Host $http_host;" in conf
    assert "server_tokens off;" in conf
    # Django believes X-Forwarded-Proto and, from the proxies, X-Forwarded-For.
    env = compose()["services"]["web"]["environment"]
    assert env["BEHIND_TLS_PROXY"] == "1"
    assert env["TRUSTED_PROXIES"]


def test_the_proxys_logs_hold_no_path_query_or_client_address():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    log_format = re.search(r"log_format replicas (.*?);", conf, re.DOTALL)[1]

    for variable in ("$request ", "$request_uri", "$uri", "$args", "$query_string", "$remote_addr", "$http_"):
        assert variable not in log_format
    assert re.search(r"^\s*access_log /dev/stdout replicas;", conf, re.MULTILINE)
    # At "error" level nginx quotes the request line of a failed upstream request.
    assert re.search(r"^error_log \S+ crit;", conf, re.MULTILINE)


def test_pgbouncer_comes_in_front_of_postgresql_for_the_replicas_only_when_asked():
    plain = compose()["services"]
    assert "pgbouncer" not in plain
    assert plain["web"]["environment"]["BEHIND_PGBOUNCER"] == "0"

    override = compose(path="deploy/compose.pgbouncer.yml")["services"]
    assert override["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    for name in ("web", "worker", "beat"):
        assert override[name]["environment"]["BEHIND_PGBOUNCER"] == "1"
        assert "@pgbouncer:5432/" in override[name]["environment"]["DATABASE_URL"]
        assert override[name]["depends_on"]["pgbouncer"] == {"condition": "service_healthy"}
    assert "migrate" not in override  # migrations keep their direct session with PostgreSQL
    # The portal cannot turn the JIT off per connection through PgBouncer: the server runs without it.
    assert override["db"]["command"] == ["postgres", "-c", "jit=off"]


def compose_cli() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    plugin = shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True)
    if plugin and plugin.returncode == 0:
        return ["docker", "compose"]
    return None


@pytest.mark.skipif(compose_cli() is None, reason="no Docker Compose on this machine")
@pytest.mark.parametrize("files", [["docker-compose.yml"], ["docker-compose.yml", "deploy/compose.pgbouncer.yml"]])
def test_compose_itself_accepts_the_files(files):
    clean = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    arguments = [argument for path in files for argument in ("-f", path)]
    result = subprocess.run(
        [*compose_cli(), *arguments, "config", "-q"],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "x"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
