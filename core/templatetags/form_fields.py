from django import template
from django.forms.boundfield import BoundWidget
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def check_input(choice: BoundWidget, invalid: bool = False) -> SafeString:
    """One radio or checkbox of a group, with Bootstrap's class: the group's widget draws its options without it, and
    the class set on the whole widget would reach the admin's own radios too."""
    css_class = "form-check-input is-invalid" if invalid else "form-check-input"
    data = {**choice.data, "attrs": {**choice.data["attrs"], "class": css_class}}
    return BoundWidget(choice.parent_widget, data, choice.renderer).tag()
