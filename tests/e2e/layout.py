"""Layout faults a page can have whatever its markup: wider than the screen, one block taller than a few screens,
the hotline's number shown without a link that dials it. The checks read geometry and the DOM only, never a class
name, so that they hold through a change of design system. Class names appear in the messages, to help find the
element."""

from functools import cache

import phonenumbers
from django.conf import settings
from playwright.sync_api import Page

SCREENS_AT_MOST = 3  # no block but the page's own list may be taller than this many screens

DESCRIBE = """
    const describe = (element) => {
        const id = element.id ? `#${element.id}` : '';
        const classes = typeof element.className === 'string' && element.className.trim()
            ? '.' + element.className.trim().split(/\\s+/).slice(0, 3).join('.') : '';
        const text = (element.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
        return `<${element.tagName.toLowerCase()}${id}${classes}>` + (text ? ` "${text}"` : '');
    };
"""

# Where the page first grows wider than the screen: the outermost elements reaching past its right edge (their
# parent does not), and the deepest ones (no child of theirs does), which are usually the cause. Elements inside
# a box that clips or scrolls sideways are that box's business; fixed elements do not widen the document.
# The width is the one asked for, not innerWidth: a phone zooms out to show a page wider than itself, and
# innerWidth grows with it.
HORIZONTAL_OVERFLOW = (
    """(width) => {
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth <= width + 1) return null;
    """
    + DESCRIBE
    + """
    const reachesPast = (element) => element.getBoundingClientRect().right > width + 1;
    const sticksOut = new Set();
    const walk = (element) => {
        for (const child of element.children) {
            const style = getComputedStyle(child);
            if (style.position === 'fixed' || style.display === 'none') continue;
            if (reachesPast(child) && child.getBoundingClientRect().width > 0) sticksOut.add(child);
            if (style.overflowX === 'visible' || reachesPast(child)) walk(child);
        }
    };
    walk(document.documentElement);
    const all = [...sticksOut];
    const outermost = all.filter((element) => !sticksOut.has(element.parentElement));
    const deepest = all.filter((element) => ![...element.children].some((child) => sticksOut.has(child)));
    const edge = (element) => `${describe(element)} ends at ${Math.round(element.getBoundingClientRect().right)} px`;
    return {
        scrollWidth,
        outermost: outermost.slice(0, 3).map(edge),
        deepest: deepest.filter((element) => !outermost.includes(element)).slice(0, 3).map(edge),
    };
}"""
)

# A block may be tall because it holds a list of items, which is what a list page is for; a block tall for any
# other reason is a fault (every mission card once stood 5,000 px tall). A list is a <ul>, <ol>, <dl> or <tbody>,
# or any element with at least five children of one tag (cards in a grid, rows of divs, a text's paragraphs); the
# height between its first item's top and its last item's bottom is excused, in the list and in every block
# around it. What is left of a block's height once the lists inside it are excused must fit in the limit. An item
# is a block like any other, so one tall card in a list is caught, even when it holds a small list of its own.
#
# A block's height is what a person sees of it: its box when it draws one (a background, a border, a shadow: a
# card), else the extent of its content. So a layout column stretched beside a long list, empty below its few
# filters, is not a tall block, while a card stretched the same way is. The page's frame (<main>, and what holds
# it) is as long as the page and is not checked; what is inside it is. A tall block is reported once, at the
# outermost one, with the deepest tall block inside it.
TALL_BLOCKS = (
    """(limit) => {
    """
    + DESCRIBE
    + """
    const LIST_TAGS = new Set(['UL', 'OL', 'DL', 'TBODY']);
    const isList = (element) => {
        if (LIST_TAGS.has(element.tagName)) return element.children.length > 0;
        const counts = new Map();
        for (const child of element.children) counts.set(child.tagName, (counts.get(child.tagName) || 0) + 1);
        return [...counts.values()].some((count) => count >= 5);
    };
    const coloured = (colour) => colour && colour !== 'transparent' && !/^rgba\\(.*,\\s*0\\)$/.test(colour);
    const drawsItsBox = (style) => style.backgroundImage !== 'none' || coloured(style.backgroundColor)
        || style.boxShadow !== 'none' || ['Top', 'Right', 'Bottom', 'Left'].some((side) =>
            parseFloat(style[`border${side}Width`]) > 0 && style[`border${side}Style`] !== 'none'
            && coloured(style[`border${side}Color`]));
    const seen = (element) => {
        if (drawsItsBox(getComputedStyle(element))) return element.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(element);
        return range.getBoundingClientRect();
    };
    const main = document.querySelector('main, [role="main"]') || document.body;
    const frame = new Set();
    for (let element = main; element; element = element.parentElement) frame.add(element);
    const elements = [...document.body.querySelectorAll('*')];
    const spans = [];
    for (const element of elements) {
        if (!isList(element)) continue;
        const rects = [...element.children].map((child) => child.getBoundingClientRect())
            .filter((rect) => rect.height > 0);
        if (!rects.length) continue;
        spans.push({
            list: element,
            top: Math.min(...rects.map((rect) => rect.top)),
            bottom: Math.max(...rects.map((rect) => rect.bottom)),
        });
    }
    const unexcusedHeight = (element, rect) => {
        const inside = spans
            .filter((span) => element === span.list || element.contains(span.list))
            .map((span) => [Math.max(span.top, rect.top), Math.min(span.bottom, rect.bottom)])
            .filter(([top, bottom]) => bottom > top)
            .sort((a, b) => a[0] - b[0]);
        let excused = 0, reached = -Infinity;
        for (const [top, bottom] of inside) {
            if (bottom <= reached) continue;
            excused += bottom - Math.max(top, reached);
            reached = bottom;
        }
        return rect.height - excused;
    };
    const tall = new Map();
    for (const element of elements) {
        if (frame.has(element) || element.getBoundingClientRect().height <= limit) continue;
        const rect = seen(element);
        if (rect.height <= limit) continue;
        const left = unexcusedHeight(element, rect);
        if (left > limit) tall.set(element, {height: rect.height, left});
    }
    const report = [];
    for (const [element, {height, left}] of tall) {
        let ancestor = element.parentElement;
        while (ancestor && !tall.has(ancestor)) ancestor = ancestor.parentElement;
        if (ancestor) continue;
        const inner = [...tall.keys()].filter((other) => other !== element && element.contains(other)
            && ![...tall.keys()].some((deeper) => deeper !== other && other.contains(deeper)));
        const deepest = inner.length
            ? `; deepest: ${describe(inner[0])} ${Math.round(tall.get(inner[0]).height)} px` : '';
        report.push(`${describe(element)} is ${Math.round(height)} px tall`
            + (Math.round(left) < Math.round(height) ? ` (${Math.round(left)} px of it outside any list)` : '')
            + deepest);
    }
    return report;
}"""
)

# The smallest elements whose text holds the number whole, and that a person sees: each must sit in a tel: link
# that dials that number. Digits only, so that "03 83 94 54 54", "03.83.94.54.54" and "+33 3 83 94 54 54" all count.
HOTLINE_WITHOUT_LINK = (
    """(number) => {
    """
    + DESCRIBE
    + """
    const NOT_TEXT = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'OPTION', 'TEXTAREA']);
    const digits = (text) => (text || '').replace(/\\D/g, '');
    const holds = (element) => !NOT_TEXT.has(element.tagName) && digits(element.textContent).includes(number);
    if (!holds(document.body)) return [];
    const report = [];
    for (const element of document.body.querySelectorAll('*')) {
        if (!holds(element) || [...element.children].some(holds)) continue;
        if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
        if (!digits(element.innerText).includes(number)) continue;
        const link = element.closest('a[href^="tel:"]');
        if (link && digits(link.getAttribute('href')).endsWith(number)) continue;
        report.push(describe(element));
    }
    return report;
}"""
)


@cache
def hotline_digits() -> str:
    """The number without its trunk prefix or country code: what every way of writing it contains."""
    return str(phonenumbers.parse(settings.HOTLINE_PHONE, settings.PHONENUMBER_DEFAULT_REGION).national_number)


def layout_faults(page: Page, width: int, height: int) -> list[str]:
    """What is wrong with the page as it stands in a `width` × `height` viewport, a line each."""
    faults = []
    overflow = page.evaluate(HORIZONTAL_OVERFLOW, width)
    if overflow:
        where = "; ".join(overflow["outermost"] + [f"inside: {cause}" for cause in overflow["deepest"]])
        faults.append(f"wider than the screen: {overflow['scrollWidth']} px > {width} px — {where}")
    for block in page.evaluate(TALL_BLOCKS, SCREENS_AT_MOST * height):
        faults.append(f"taller than {SCREENS_AT_MOST} screens ({SCREENS_AT_MOST * height} px): {block}")
    for element in page.evaluate(HOTLINE_WITHOUT_LINK, hotline_digits()):
        faults.append(f"the hotline number without a tel: link: {element}")
    return faults
