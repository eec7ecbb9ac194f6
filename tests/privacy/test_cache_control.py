"""No copy of a page that carries personal data stays in a browser's cache (a shared computer's Back button after
sign-out) or in a proxy: every URL of the portal is walked, as the permission matrix does, and reached by the one
it belongs to. A signed-in person's pages, a tracking token's pages, the admin's and the account pages answer
`Cache-Control: private, no-store`; only the public pages a visitor without an account sees may be cached.

A URL nobody here knows how to reach fails the walk: it must be given a rule in the permission matrix (or, for
the admin and account pages, a way to build its address below) before it is checked.
"""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import NoReverseMatch, reverse

from core.middleware import PrivateByDefaultMiddleware
from requests_app.models import HelpRequest
from tests.privacy.test_permission_matrix import NOT_IN_MATRIX_PREFIXES, RULES, World, body, project_url_names
from tests.requests_app.factories import valid_form_data

# Who a page belongs to, by the kind of its rule in the permission matrix.
RIGHTFUL = {"own": "volunteer_b", "staff": "staff", "token": "anonymous"}
OWN_PAGES_OF_A_MEMBER = ("associations:",)  # an organisation's pages need a member, not a volunteer
# Admin and account pages whose address takes more than the admin's object id.
ADDRESSES = {
    "admin:app_list": lambda w: {"app_label": "requests_app"},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(HelpRequest).pk, "object_id": w.assigned.pk,
    },
    "admin:auth_user_password_change": lambda w: {"id": w.users["staff"].pk},
    "admin:requests_app_helprequest_propose": lambda w: {
        "pk": w.assigned.pk, "volunteer_pk": w.proposal_b.volunteer_id,
    },
    "admin:requests_app_callback_attempt": lambda w: {"pk": 0},
    "admin:requests_app_callback_schedule": lambda w: {"help_request_pk": 0},
    "admin:requests_app_helprequest_hold": lambda w: {"pk": w.assigned.pk},
    "admin:requests_app_helprequest_confirm_carer": lambda w: {"pk": w.assigned.pk},
    "admin:requests_app_helprequest_hand_off": lambda w: {"pk": w.assigned.pk},
    "admin:requests_app_helprequest_hand_off_resend": lambda w: {
        "pk": w.hand_off.help_request_id, "hand_off_pk": w.hand_off.pk,
    },
    "admin:requests_app_helprequest_hand_off_withdraw": lambda w: {
        "pk": w.hand_off.help_request_id, "hand_off_pk": w.hand_off.pk,
    },
    "admin:pairings_pairing_pause": lambda w: {"pk": w.pairing_b.pk},
    "admin:pairings_pairing_end": lambda w: {"pk": w.pairing_b.pk},
    "admin:volunteers_vettingdocument_approve": lambda w: {"pk": w.document_b.pk},
    "admin:volunteers_vettingdocument_refuse": lambda w: {"pk": w.document_b.pk},
    # The open API's routes that take an argument (tests/api): a request's reference.
    "api-v1:help_request_detail": lambda w: {"reference": w.assigned.reference},
    "api-v1:mission_detail": lambda w: {"mission_id": w.mission_b.pk},
    "api-v1:mission_update": lambda w: {"mission_id": w.mission_b.pk},
    "api-v1:mission_publish_route": lambda w: {"mission_id": w.mission_b.pk},
    "api-v1:mission_close_route": lambda w: {"mission_id": w.mission_b.pk},
    "api-v1:public_mission_detail": lambda w: {"mission_id": w.mission_b.pk},
    "api-v1:public_structure_detail": lambda w: {"structure_id": w.association_b.pk},
    "account_confirm_email": lambda w: {"key": "cle-inconnue"},
    "account_reset_password_from_key": lambda w: {"uidb36": "1", "key": "cle-inconnue"},
}  # fmt: skip
NAMES = sorted(set(project_url_names()))


def private(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def visit(client, world, role, url):
    client.logout()
    if role != "anonymous":
        client.force_login(world.users[role])
    response = client.get(url)
    if response.status_code == 405:  # a form's target: what it answers when used
        response = client.post(url)
    body(response)  # a streamed export runs to its end
    return response


def admin_object_address(name, world):
    """The address of an admin page about one object: a row of the world, or one that does not exist."""
    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            row = model._default_manager.order_by("pk").first()
            return reverse(name, kwargs={"object_id": row.pk if row else 0})
    raise NoReverseMatch(name)


def address(name, world) -> str:
    if name in RULES:
        return reverse(name, kwargs=RULES[name].kwargs(world))
    if name in ADDRESSES:
        return reverse(name, kwargs=ADDRESSES[name](world))
    try:
        return reverse(name)
    except NoReverseMatch:
        return admin_object_address(name, world)


def test_only_public_pages_may_be_cached():
    """A page that the permission matrix gives an owner, a token or staff is never on the list of cacheable ones."""
    assert {name: RULES[name].kind for name in PrivateByDefaultMiddleware.PUBLIC_PAGES} == {
        name: "public" for name in PrivateByDefaultMiddleware.PUBLIC_PAGES
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_a_page_with_personal_data_is_kept_in_no_cache(client, name):
    if name not in RULES and not name.startswith(NOT_IN_MATRIX_PREFIXES):
        pytest.fail(f"{name}: no rule in the permission matrix, so no one here knows whose page it is")
    world = World()
    try:
        url = address(name, world)
    except NoReverseMatch:
        pytest.fail(f"{name}: its address takes arguments; say how to build it in ADDRESSES")
    rule = RULES.get(name)

    if name in PrivateByDefaultMiddleware.OPEN_DATA:  # the open API's open data: the same JSON for everyone
        for role in ("staff", "anonymous"):
            response = visit(client, world, role, url)
            assert response.status_code == 200 and not private(response), f"{role} at {url}"
        return
    if rule is None:  # the admin and the account pages: private to anyone, signed in or not
        for role in ("staff", "anonymous"):
            assert private(visit(client, world, role, url)), f"{role} at {url}"
        return

    if rule.kind == "provider":  # no browser is its rightful visitor: what a stranger gets is stored nowhere either
        assert private(visit(client, world, "anonymous", url)), url
        return
    if rule.kind == "public":
        response = visit(client, world, "anonymous", url)
        assert response.status_code == 200, url
        # Public pages stay cacheable for visitors without an account, as they were (the health check excepted,
        # which a proxy must never answer from a copy).
        cacheable = PrivateByDefaultMiddleware.PUBLIC_PAGES | PrivateByDefaultMiddleware.SHARED_ASSETS
        assert private(response) == (name not in cacheable), url
        owner = "volunteer_b"  # a signed-in person's name is in every page's header
        if name in PrivateByDefaultMiddleware.SHARED_ASSETS:  # no one's name in it: cached for the signed-in too
            assert not private(visit(client, world, owner, url)), url
            return
    elif rule.kind == "own" and name.startswith(OWN_PAGES_OF_A_MEMBER):
        owner = "member_b"
    else:
        owner = rule.owner or RIGHTFUL[rule.kind]
    response = visit(client, world, owner, url)
    # The page itself (or, for a form's target posted empty, its 400), not a refusal that would prove nothing.
    assert response.status_code not in (403, 404), f"{owner} at {url}: {response.status_code}"
    assert private(response), f"{owner} at {url}: {response.get('Cache-Control')!r}"


@pytest.mark.django_db
def test_the_request_form_posted_back_with_its_errors_is_kept_in_no_cache(client):
    """It shows what was typed: the name and phone number of someone who needs help."""
    response = client.post(reverse("requests:new"), valid_form_data(requester_name="Gisèle Personne", consent=None))
    assert response.status_code == 400 and "Gisèle Personne" in response.content.decode()
    assert private(response)


@pytest.mark.django_db  # closing the response closes the database connections too
def test_static_files_keep_their_own_cache_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True  # read when the middleware starts: a client of its own below
    response = Client().get("/static/css/entraide.css")
    assert response.status_code == 200
    assert not private(response)
    response.close()
