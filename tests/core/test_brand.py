"""The operator's identity: set from the settings, readable by construction, and nothing of the State's."""

import re
import subprocess

import pytest
from django.contrib.staticfiles import finders

from core.brand import contrast_ratio, relative_luminance, rgb, shade
from core.checks import brand_colours_readable
from tests.conftest import ROOT
from tests.core.test_settings import PRODUCTION_ENV, run_manage

# The names under which the State's design system and its identity block reach a page, a stylesheet or a lock.
STATE_IDENTITY = re.compile(
    r"dsfr|marianne|république\s*(<br\s*/?>)?\s*française|liberté\s*(<br\s*/?>)?\s*égalité|class=\"[^\"]*\bfr-",
    re.IGNORECASE,
)


def test_contrast_ratios_are_those_of_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    # WebAIM's contrast checker gives 4.54:1 for #767676 on white, the lightest grey that passes AA.
    assert contrast_ratio("#767676", "#fff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < 4.5
    assert relative_luminance("#ffffff") == pytest.approx(1)


def test_colours_are_read_in_both_hexadecimal_spellings_and_anything_else_is_refused():
    assert rgb("#1f5c4a") == (31, 92, 74)
    assert rgb("#fff") == (255, 255, 255)
    for wrong in ("1f5c4a", "#12345", "red", "rgb(0,0,0)", "#ggg"):
        with pytest.raises(ValueError):
            rgb(wrong)
    assert shade("#ffffff", 0.5) == "#808080"


def test_the_default_brand_passes_the_contrast_check():
    assert brand_colours_readable(None) == []


@pytest.mark.parametrize(
    "setting, value, pairs_refused",
    # A pale main colour fails twice: white text on it, and it as text on the white page.
    [("BRAND_COLOR", "#8fbcd4", 2), ("BRAND_TEXT_ON_COLOR", "#2a6a58", 1), ("BRAND_ACCENT_COLOR", "#ff9999", 1)],
)
def test_a_colour_pair_under_aa_contrast_is_refused(settings, setting, value, pairs_refused):
    setattr(settings, setting, value)
    errors = brand_colours_readable(None)
    assert [error.id for error in errors] == ["entraide.E001"] * pairs_refused
    assert all(value in error.msg and "4.5:1" in error.msg for error in errors)


def test_a_colour_that_is_not_one_is_refused(settings):
    settings.BRAND_COLOR = "vert"
    assert [error.id for error in brand_colours_readable(None)] == ["entraide.E001", "entraide.E001"]


def test_the_portal_does_not_start_with_unreadable_colours():
    result = run_manage("check", env={**PRODUCTION_ENV, "BRAND_COLOR": "#ffdd00"})
    assert result.returncode != 0
    assert "entraide.E001" in result.stderr + result.stdout


def test_pages_carry_the_operator_s_names_logo_and_colours(client, settings):
    settings.OPERATOR_NAME = "Collectivité de Corse"
    settings.OPERATOR_LOGO = "https://www.isula.corsica/logo.svg"
    settings.BRAND_COLOR = "#8a1538"
    page = client.get("/").content.decode()
    assert "Collectivité de Corse" in page
    assert 'src="https://www.isula.corsica/logo.svg"' in page
    stylesheet = re.search(r'href="(/marque\.css\?v=\w+)"', page).group(1)
    css = client.get(stylesheet)
    assert css["Content-Type"].startswith("text/css")
    assert "--entraide-brand: #8a1538;" in css.content.decode()
    assert "--bs-primary-rgb: 138, 21, 56;" in css.content.decode()


def test_the_brand_stylesheet_changes_address_with_the_colours_and_is_cached_for_everyone(client, settings):
    address = re.search(r'href="(/marque\.css\?v=\w+)"', client.get("/").content.decode()).group(1)
    settings.BRAND_COLOR = "#8a1538"
    assert re.search(r'href="(/marque\.css\?v=\w+)"', client.get("/").content.decode()).group(1) != address
    response = client.get("/marque.css")
    assert "public" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_the_default_logo_is_the_portal_s_own_file(client, settings):
    page = client.get("/").content.decode()
    logo = re.search(r'<img class="entraide-brand__logo" src="([^"]+)"', page).group(1)
    assert logo == f"{settings.STATIC_URL}img/logo.svg"
    assert finders.find("img/logo.svg")


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return listed.split()


def test_nothing_of_the_state_s_design_system_is_left_in_templates_static_code_or_locks():
    """The DSFR's licence reserves it to the State's own sites: a département may not show it (README, "Identity")."""
    kinds = (".html", ".txt", ".css", ".js", ".svg", ".py", ".lock", ".toml", ".json")
    found = []
    for name in tracked_files():
        if not name.endswith(kinds) or name.startswith(("tests/", "docs/")) or "/vendor/" in name:
            continue
        text = (ROOT / name).read_text(errors="replace")
        found += [f"{name}: {match.group(0)}" for match in STATE_IDENTITY.finditer(text)]
    assert found == []


def test_the_project_s_own_check_would_see_the_state_s_block():
    assert STATE_IDENTITY.search('<p class="fr-logo">République<br>Française</p>')
    assert STATE_IDENTITY.search("font-family: Marianne, arial")
    assert STATE_IDENTITY.search("Liberté<br>Égalité<br>Fraternité")
    assert STATE_IDENTITY.search("django-dsfr==3.6.1")


def test_a_logo_served_from_the_operator_s_site_is_allowed_by_the_content_security_policy():
    show = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    result = run_manage(
        "shell", "-c", show, env={**PRODUCTION_ENV, "OPERATOR_LOGO": "https://www.isula.corsica/a.svg"}
    )
    assert result.returncode == 0, result.stderr
    assert "'https://www.isula.corsica'" in result.stdout
    default = run_manage("shell", "-c", show, env=PRODUCTION_ENV)
    assert "http" not in default.stdout
