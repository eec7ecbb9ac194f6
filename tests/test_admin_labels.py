"""No English left on a staff page: every column, field and filter the admin shows of the portal's own models has
a French name. Django names a field without `verbose_name` after its attribute ("volunteer", "user", "created at"),
and a display method without `description` after the method: both read as English headers."""

import re

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

from matching.enums import ProposalStatus
from tests.associations.factories import AssociationFactory, member_of
from tests.matching.factories import ProposalFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {
    "core", "accounts", "notifications", "volunteers", "associations", "matching", "requests_app", "campaigns",
    "orders",
}  # fmt: skip


def flattened(names):
    for name in names:
        if isinstance(name, list | tuple):
            yield from flattened(name)
        else:
            yield name


def shown_names(model_admin) -> list[str]:
    names = [*model_admin.list_display, *model_admin.readonly_fields]
    names += [name for name in model_admin.list_filter if isinstance(name, str)]
    if model_admin.fieldsets:
        names += [name for _title, options in model_admin.fieldsets for name in options["fields"]]
    else:
        names += list(model_admin.fields or [])
    return [name for name in flattened(names) if isinstance(name, str) and name != "__str__"]


def unnamed(model, model_admin, names) -> list[str]:
    missing = []
    for name in names:
        try:
            field = model._meta.get_field(name.split("__")[0])
        except FieldDoesNotExist:
            shown = getattr(model_admin, name, None) or getattr(model, name, None)
            shown = shown.fget if isinstance(shown, property) else shown
            if not hasattr(shown, "short_description"):
                missing.append(f"{model.__name__}.{name} (no description)")
            continue
        if field.model._meta.app_label in PROJECT_APPS and getattr(field, "_verbose_name", "") is None:
            missing.append(f"{field.model.__name__}.{field.name} (no verbose_name)")
    return missing


def test_every_column_field_and_filter_of_the_admin_has_a_french_name():
    missing = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue  # Django's and the libraries' own models come with their French translations
        missing += unnamed(model, model_admin, shown_names(model_admin))
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            fields = inline.fields or [f.name for f in inline.model._meta.concrete_fields if f.editable]
            missing += unnamed(inline.model, inline, [n for n in flattened(fields) if isinstance(n, str)])
    assert missing == []


def headers(content: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", content, re.S)]


def test_the_request_page_s_proposals_say_benevole(client, staff):
    proposal = ProposalFactory(status=ProposalStatus.DECLINED)
    url = reverse("admin:requests_app_helprequest_change", args=[proposal.help_request.pk])
    shown = headers(client.get(url).content.decode())
    assert "Bénévole" in shown and "Volunteer" not in shown and "volunteer" not in shown


def test_the_organisation_page_s_members_say_membre(client, staff):
    association = AssociationFactory()
    member_of(association)
    url = reverse("admin:associations_association_change", args=[association.pk])
    shown = headers(client.get(url).content.decode())
    assert "Membre" in shown and "User" not in shown and "user" not in shown
