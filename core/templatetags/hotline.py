from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from core import hotline as hotline_settings

register = template.Library()


@register.simple_tag
def hotline(*, hours: bool = True, css_class: str = "") -> SafeString:
    """The hotline number as a tappable link, with its opening hours unless `hours=False`.

    Used as `{% hotline as phone %}` before a `{% blocktranslate %}` that says "appelez le {{ phone }}".
    """
    # No trailing newline from the file: the link sits inside a sentence, before its punctuation.
    html = render_to_string(
        "includes/hotline.html",
        {
            "number": settings.HOTLINE_PHONE,
            "href": hotline_settings.tel_href(),
            "hours": hotline_settings.hours() if hours else "",
            "css_class": css_class,
        },
    )
    return mark_safe(html.strip())
