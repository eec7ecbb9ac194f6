"""Pages that hold their layout: what axe and the journeys did not see (every mission card once stood 5,000 px
tall, the page 127,000 px on a phone, and nothing failed)."""

import pytest

from tests.accounts.factories import AgentFactory
from tests.associations.factories import MissionFactory
from tests.e2e.browser import at
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_volunteer import sign_in

SCREEN_HEIGHTS_AT_MOST = 3  # no single card may be taller than this many screens


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_the_mission_list_shows_cards_as_tall_as_their_text_and_never_wider_than_the_screen(pages, device):
    MissionFactory.create_batch(5)
    page = pages.open("/missions/", **device)
    screen = device["viewport"]
    cards = page.locator(".entraide-card")
    assert cards.count() == 5
    tallest = max(cards.nth(index).bounding_box()["height"] for index in range(cards.count()))
    # A card holds a title, a few lines of description, two tags and a line of detail: a screen at most.
    assert tallest < screen["height"], f"a mission card is {tallest:.0f} px tall"
    assert page.evaluate("document.documentElement.scrollWidth") <= screen["width"]
    assert page.evaluate("document.documentElement.scrollHeight") < SCREEN_HEIGHTS_AT_MOST * 5 * screen["height"]


def test_the_dashboard_s_filters_show_their_choice_in_full_at_1280_px(pages):
    page = pages.open("/pilotage/")
    sign_in(page, AgentFactory().email)
    page.wait_for_url(at("/pilotage/"))
    cut = page.evaluate(
        """() => [...document.querySelectorAll('form select')].filter((select) => {
            const style = getComputedStyle(select);
            const context = document.createElement('canvas').getContext('2d');
            context.font = style.font;
            const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
            // Whichever choice is made: the longest domain, the longest EPCI's name.
            return [...select.options].some((option) => context.measureText(option.text).width > room);
        }).map((select) => select.name)"""
    )
    assert cut == [], f"filters whose choice is cut: {cut}"


def test_the_dashboard_s_figures_and_charts_read_on_a_phone(pages):
    page = pages.open("/pilotage/", **PHONE)
    sign_in(page, AgentFactory().email)
    page.wait_for_url(at("/pilotage/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    # Each chart shrinks to the screen; its text, once shrunk, is still at least 11 CSS pixels high.
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.entraide-chart')].map((svg) => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return Math.min(...[...svg.querySelectorAll('text')].map(
                (text) => parseFloat(getComputedStyle(text).fontSize) * scale));
        })"""
    )
    assert len(sizes) == 5 and min(sizes) >= 11, f"chart text as drawn on a phone: {sizes}"
    figures = page.locator(".entraide-figure__value")
    assert figures.count() == 8
    assert all(figures.nth(index).bounding_box()["width"] <= PHONE["viewport"]["width"] for index in range(8))
