"""How long a hotline operator takes to type a request with a callback, by keyboard alone, at a practised pace:
the journey of tests/e2e/test_hotline.py, timed. `make bench-hotline` runs it (the tests' fixtures loaded as
plugins); the figure goes to var/test-artefacts/e2e/hotline-timing.json and BENCHMARKS.md. The target is under
60 s; nothing is asserted about time."""

import json
import os
import re
import time
from datetime import datetime, timedelta
from datetime import time as clock_time

from django.utils import timezone

from requests_app.enums import Urgency
from requests_app.models import HelpRequest
from tests.e2e.browser import ARTEFACTS, at, choose_radio, focus_on, named, tab_to
from tests.e2e.test_hotline import enter_callback, open_console

# A practised operator's pace, every key alike (letters, Tab, arrows, Space): 0.2 s a key is about 60 words a
# minute. HOTLINE_KEY_PACE=0 gives the pages' own time alone.
KEY_PACE = float(os.environ.get("HOTLINE_KEY_PACE", "0.2"))


class PacedKeyboard:
    """The keyboard at an operator's pace, counting the characters typed and the other keys pressed (Tab, arrows,
    Space, Enter)."""

    def __init__(self, keyboard, pace: float):
        self.keyboard, self.pace, self.typed, self.pressed = keyboard, pace, 0, 0

    def press(self, key: str) -> None:
        time.sleep(self.pace)
        self.pressed += 1
        self.keyboard.press(key)

    def type(self, text: str) -> None:
        self.typed += len(text)
        self.keyboard.type(text, delay=self.pace * 1000)


class PacedPage:
    """The page as the journey's helpers use it, its keyboard paced."""

    def __init__(self, page, pace: float):
        self.page, self.keyboard = page, PacedKeyboard(page.keyboard, pace)

    def __getattr__(self, name):
        return getattr(self.page, name)


def test_the_time_a_request_with_a_callback_takes_to_type_by_keyboard_alone(pages):
    """From the console ready to the reference on screen, typed at a practised operator's pace: the figure goes to
    var/test-artefacts/e2e/hotline-timing.json and BENCHMARKS.md; it is not asserted (the target is under 60 s)."""
    page = PacedPage(open_console(pages), KEY_PACE)
    callback = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), clock_time(14, 30)))
    started = time.monotonic()

    focus_on(page, named("telephone"))
    page.keyboard.type("06 11 22 33 44")
    page.keyboard.press("Enter")
    page.wait_for_url(at("/accueil-telephonique/", "telephone="))
    focus_on(page, named("requester_name"))
    page.keyboard.type("Robert Lemoine")
    tab_to(page, named("commune"))
    page.keyboard.type("Toul")
    tab_to(page, named("lives_alone"))
    page.keyboard.press("Space")
    tab_to(page, named("aged_70_plus"))
    page.keyboard.press("Space")
    choose_radio(page, "help_type", "Courses")
    tab_to(page, named("description"))
    page.keyboard.type("Courses de la semaine : pain, lait, légumes. Il ne peut plus marcher jusqu'au magasin.")
    tab_to(page, named("volunteer_summary"))
    page.keyboard.type("Courses pour un monsieur âgé, une dizaine d'articles.")
    choose_radio(page, "urgency", "^Urgent")
    tab_to(page, named("consent"))
    page.keyboard.press("Space")
    enter_callback(page, callback)
    tab_to(page, named("note"))
    page.keyboard.type("Son fils appelle aussi.")
    tab_to(page, lambda state: state["text"] == "Enregistrer la demande")
    page.keyboard.press("Enter")
    page.locator(".alert-success").wait_for()
    elapsed = time.monotonic() - started

    reference = re.search(r"E54-[0-9A-Z]{4}-[0-9A-Z]{4}", page.locator(".alert-success").inner_text()).group(0)
    help_request = HelpRequest.objects.get(reference=reference)
    assert help_request.callbacks.get().due_at == callback
    assert (help_request.urgency, help_request.help_type.name) == (Urgency.URGENT, "Courses")
    keyboard = page.keyboard
    figures = {
        "seconds": round(elapsed, 1),
        "characters_typed": keyboard.typed,
        "other_keys": keyboard.pressed,
        "key_pace_seconds": KEY_PACE,
        "seconds_not_typing": round(elapsed - (keyboard.typed + keyboard.pressed) * KEY_PACE, 1),
    }
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "hotline-timing.json").write_text(json.dumps(figures, indent=1))
    print(f"\nA request with a callback, by keyboard alone: {figures}")
