from django import template
from django.utils.safestring import SafeString

from core import hotline as hotline_number

register = template.Library()


@register.simple_tag(takes_context=True)
def hotline(context, *, hours: bool = True, css_class: str = "") -> SafeString:
    """Used as `{% hotline as phone %}` before a `{% blocktranslate %}` that says "appelez le {{ phone }}".

    A page rendered with its request has what staff set in HOTLINE (core.context_processors.portal): read once."""
    return hotline_number.link(hours=hours, css_class=css_class, staff=context.get("HOTLINE"))
