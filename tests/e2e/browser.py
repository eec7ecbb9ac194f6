"""What the browser journeys share: axe-core checks, keyboard moves, screenshots (saved under var/test-artefacts/)."""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "var" / "test-artefacts" / "e2e"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
BLOCKING_IMPACTS = {"serious", "critical"}


def at(path: str, query: str = ""):
    """For wait_for_url: the page's path is `path` (a regular expression) and its query contains `query`. A glob
    would also match the login page while it still shows, its ?next= ending with the wanted path."""
    return lambda url: bool(re.fullmatch(path, urlsplit(url).path)) and query in urlsplit(url).query


def blocking_violations(page: Page, record: Path) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands, a line each; all its violations are
    written to `record`.

    axe is evaluated through the DevTools protocol rather than added as a <script>: the portal's
    Content-Security-Policy stays in force, so the journeys also prove the pages work under it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(results["violations"], indent=1, ensure_ascii=False))
    return [
        f"- {v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def check_accessibility(page: Page, name: str) -> None:
    """Runs axe-core on the page as it stands and fails on any serious or critical violation."""
    blocking = blocking_violations(page, ARTEFACTS / f"{name}.axe.json")
    assert not blocking, f"axe-core on {name} ({page.url}):\n" + "\n".join(blocking)


def screenshot(page: Page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def finish(page: Page, name: str) -> None:
    """The end of a journey step: the page passes axe and its picture is kept."""
    check_accessibility(page, name)
    screenshot(page, name)


FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const drawn = (style) => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
        || (style.boxShadow && style.boxShadow !== 'none');
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    return {
        id: el.id, name: el.getAttribute('name'), tag: el.tagName.toLowerCase(), type: el.type || '',
        text: ((label && (el.type === 'radio' || el.type === 'checkbox') ? label.innerText : '')
            || el.innerText || el.value || '').trim().slice(0, 80),
        visible: [el, el.parentElement, el.parentElement && el.parentElement.parentElement].some(
            (node) => node && [null, '::before', '::after'].some((part) => drawn(getComputedStyle(node, part)))),
        labelVisible: !!label && [null, '::before'].some((part) => drawn(getComputedStyle(label, part))),
    };
}"""


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUS_STATE)


def tab_to(page: Page, matches, *, limit: int = 80, backwards: bool = False) -> dict:
    """Presses Tab (or Shift+Tab) until the focused element satisfies `matches`, checking that every element
    the focus crosses shows it: an outline or a ring on it (static/css/entraide.css draws one on every focusable
    element), on its drawn parts, on its parent (a card or brand block may ring the link that has the focus), or,
    for a radio or checkbox whose box is drawn by its label, on the drawn box of that label."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = focused(page)
        if state is None:
            continue
        assert state["visible"] or state["labelVisible"], f"focus is not visible on {state}"
        if matches(state):
            return state
    raise AssertionError(f"the focus never reached the wanted element in {limit} presses of Tab")


def named(name: str):
    return lambda state: state["name"] == name


def labelled(pattern: str):
    regex = re.compile(pattern, re.IGNORECASE)
    return lambda state: bool(regex.search(state["text"]))


def focus_on(page: Page, matches, **options) -> dict:
    """The wanted element focused by keyboard: already there (autofocus), or reached with Tab."""
    state = focused(page)
    if state and matches(state):
        return state
    return tab_to(page, matches, **options)


def choose_radio(page: Page, name: str, pattern: str) -> None:
    """Within a radio group, by keyboard: Tab into the group, then arrow keys (which also check) to the choice."""
    focus_on(page, named(name))
    wanted = labelled(pattern)
    for _ in range(20):
        state = focused(page)
        if wanted(state):
            page.keyboard.press("Space")  # checks it when the group was entered on an unchecked first radio
            assert page.evaluate("document.activeElement.checked"), state
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no choice matching {pattern!r} in the radio group {name!r}")


def sign_in_by_keyboard(page: Page, email: str, password: str) -> None:
    focus_on(page, named("login"))
    page.keyboard.type(email)
    tab_to(page, named("password"))
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
