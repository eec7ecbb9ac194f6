from django import template
from django.utils.safestring import SafeString

from core import hotline as hotline_number

register = template.Library()


@register.simple_tag
def hotline(*, hours: bool = True, css_class: str = "") -> SafeString:
    """Used as `{% hotline as phone %}` before a `{% blocktranslate %}` that says "appelez le {{ phone }}"."""
    return hotline_number.link(hours=hours, css_class=css_class)
