"""Cached HTML belongs to the release that drew it: a deployment that changes a template never serves old pages."""

import shutil

from django.conf import settings

from core.release import pages_fingerprint
from tests.conftest import ROOT
from tests.core.test_settings import PRODUCTION_ENV, run_manage


def copy_of_the_pages(tmp_path):
    for folder in ("templates", "locale"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def test_a_changed_template_or_translation_is_another_release(tmp_path):
    base = copy_of_the_pages(tmp_path)
    before = pages_fingerprint(base)
    assert pages_fingerprint(base) == before  # the same files, the same release
    card = base / "templates" / "associations" / "_mission_card.html"
    card.write_text(card.read_text() + "<!-- new -->")
    after_template = pages_fingerprint(base)
    assert after_template != before
    (base / "locale" / "en" / "LC_MESSAGES" / "django.mo").write_bytes(b"other")
    assert pages_fingerprint(base) != after_template


def test_the_cache_keys_carry_the_release_but_the_rate_limit_counters_do_not():
    assert settings.CACHES["default"]["KEY_PREFIX"] == f"entraide:{settings.RELEASE}"
    assert settings.CACHES["database"]["KEY_PREFIX"] == f"entraide:{settings.RELEASE}"
    assert settings.CACHES["counters"]["KEY_PREFIX"] == "entraide"


def test_a_deployment_may_name_its_release():
    show = "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])"
    result = run_manage("shell", "-c", show, env={**PRODUCTION_ENV, "RELEASE": "2026-12-01.3"})
    assert result.stdout.strip().splitlines()[-1] == "entraide:2026-12-01.3", result.stderr
