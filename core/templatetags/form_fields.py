from django import template
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def control(field: BoundField, css_class: str, described_by: str = "") -> SafeString:
    """A field's input with Bootstrap's class, marked invalid when it has errors and tied to its hint and error.

    A placeholder that only repeats the label is dropped (allauth sets them): the label is already above the input,
    and grey text inside it reads to many people as something already filled in."""
    attrs = {"class": f"{css_class} is-invalid" if field.errors else css_class}
    if described_by:
        attrs["aria-describedby"] = described_by
    if str(field.field.widget.attrs.get("placeholder", "")) == str(field.label):
        attrs["placeholder"] = False  # Django's widgets leave out an attribute whose value is False
    return field.as_widget(attrs=attrs)


@register.filter
def check_input(choice: BoundWidget, invalid: bool = False) -> SafeString:
    """One radio or checkbox of a group, with Bootstrap's class: the group's widget draws its options without it, and
    the class set on the whole widget would reach the admin's own radios too."""
    css_class = "form-check-input is-invalid" if invalid else "form-check-input"
    data = {**choice.data, "attrs": {**choice.data["attrs"], "class": css_class}}
    return BoundWidget(choice.parent_widget, data, choice.renderer).tag()
