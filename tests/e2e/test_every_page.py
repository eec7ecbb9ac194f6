"""Every page a role can reach, at a phone's width and a desktop's, checked for what axe and the journeys do not
see: a page wider than the screen, a block taller than three screens that is not the page's own list, the
hotline's number without a link that dials it; and axe-core's serious and critical findings. A full-page picture
of each is kept under var/test-artefacts/pages/<role>/<width>/ for a person to look at.

The pages are found, not listed: tests/e2e/crawl.py walks the URL configuration, fills each address from the demo
data, and follows the links of the pages it sees."""

import pytest
from django.conf import settings

from core.hotline import tel_href
from tests.e2e.layout import layout_faults

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}


@pytest.fixture
def blank(browser):
    """A phone-sized page to write a synthetic document into."""
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def faults_of(page, body: str) -> list[str]:
    page.set_content(f"<!doctype html><html><head><meta name='viewport' content='width=device-width'></head>"
                     f"<body style='margin:0'>{body}</body></html>")  # fmt: skip
    return layout_faults(page, PHONE["viewport"]["width"], PHONE["viewport"]["height"])


def card(title: str, style: str = "", inside: str = "") -> str:
    return (
        f"<li><article style='padding:8px;{style}'><h2>{title}</h2><p>Deux lignes de texte.</p>{inside}</article></li>"
    )


def test_the_checker_reports_an_element_wider_than_the_screen(blank):
    (fault,) = faults_of(blank, "<main><p>Bonjour</p><div id='banner' style='width:600px'>Trop large</div></main>")
    assert fault.startswith("wider than the screen: 600 px > 390 px"), fault
    assert "<div#banner>" in fault, fault


def test_the_checker_lets_a_wide_table_scroll_inside_its_own_box(blank):
    assert (
        faults_of(blank, "<div style='overflow-x:auto'><table style='width:900px'><tr><td>a</td></tr></table></div>")
        == []
    )


def test_the_checker_reports_a_card_5000_px_tall_in_a_list_even_with_a_list_of_tags_inside(blank):
    tags = "<ul><li>Courses</li><li>Nancy</li></ul>"
    cards = [card(f"Mission {n}", inside=tags) for n in range(10)]
    cards[4] = card("La mission trop haute", "height:5000px", tags)
    (fault,) = faults_of(blank, f"<main><h1>Missions</h1><ul>{''.join(cards)}</ul></main>")
    assert fault.startswith("taller than 3 screens (2532 px): <li>"), fault
    assert "La mission trop haute" in fault, fault


def test_the_checker_reports_a_card_5000_px_tall_in_a_grid_of_divs(blank):
    cards = [f"<div style='padding:8px'><h2>Structure {n}</h2><p>Texte</p></div>" for n in range(8)]
    cards[2] = "<div style='height:5000px'><h2>La structure trop haute</h2></div>"
    (fault,) = faults_of(blank, f"<main><div style='display:grid;gap:16px'>{''.join(cards)}</div></main>")
    assert "La structure trop haute" in fault and "5000 px tall" in fault, fault


def test_the_checker_lets_a_long_list_of_ordinary_cards_and_a_long_text_be(blank):
    cards = "".join(card(f"Mission {n}", "margin-bottom:24px") for n in range(80))
    paragraphs = "".join(f"<p>Paragraphe {n} d'un long texte de mentions légales.</p>" for n in range(60))
    page = f"<header><h1>Missions</h1></header><main><ul style='padding:0'>{cards}</ul><div>{paragraphs}</div></main>"
    assert faults_of(blank, page) == []
    assert blank.evaluate("document.documentElement.scrollHeight") > 5 * PHONE["viewport"]["height"]


def test_the_checker_reports_the_hotline_number_in_plain_text_not_in_a_tel_link(blank):
    number = settings.HOTLINE_PHONE
    (fault,) = faults_of(blank, f"<p>Sans internet ? Appelez le {number}.</p>")
    assert fault.startswith("the hotline number without a tel: link: <p>"), fault

    linked = f"<p>Sans internet ? Appelez le <a href='{tel_href()}'>{number}</a>.</p>"
    hidden = f"<p hidden>Appelez le {number}.</p>"
    assert faults_of(blank, linked + hidden) == []


def test_the_checker_reports_a_tel_link_to_another_number_showing_the_hotline_s(blank):
    (fault,) = faults_of(blank, f"<p>Appelez le <a href='tel:+33100000000'>{settings.HOTLINE_PHONE}</a>.</p>")
    assert "without a tel: link: <a>" in fault, fault
