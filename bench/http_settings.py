"""Production settings (entraide.settings.base, everything from the environment) plus the bare baseline view of
the HTTP benchmark. Only `make bench-http` uses this module; the portal never routes to the baseline."""

from entraide.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
