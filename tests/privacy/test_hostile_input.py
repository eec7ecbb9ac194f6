"""Hostile input on every public form and endpoint: never a 500, never a stack trace, typed text escaped."""

import pytest
from django.urls import reverse

from requests_app.models import HelpRequest
from tests.associations.factories import AssociationFactory, MissionFactory
from tests.requests_app.factories import HelpRequestFactory, valid_form_data
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
PAYLOADS = [
    SCRIPT,
    "' OR '1'='1' --",
    "1; DROP TABLE requests_app_helprequest; --",
    "a\x00b",
    "x" * 1_000_000,
    "-1",
    "99999999999999999999",
    "%s%s%s{{ 7*7 }}{% debug %}",
    "\u202e\ufeffé" * 10,
]
HUGE_ID = "99999999999999999999"


def assert_handled(response, where):
    assert response.status_code < 500, where
    page = response.content.decode(errors="replace") if not response.streaming else ""
    assert "Traceback" not in page and "django.db" not in page, where
    assert SCRIPT not in page, f"unescaped script at {where}"


def public_get_urls():
    mission = MissionFactory()
    association = AssociationFactory()
    return [
        reverse("core:home"), reverse("missions:list"), reverse("associations:directory"),
        reverse("missions:detail", args=[mission.pk]), reverse("associations:public", args=[association.pk]),
        reverse("core:commune_search"), reverse("requests:new"), reverse("core:health"), reverse("core:health_web"),
        reverse("account_login"), reverse("account_signup"), reverse("account_reset_password"),
    ]  # fmt: skip


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_query_parameters_never_break_a_public_page(client, payload):
    params = {name: payload for name in ("q", "page", "domain", "commune", "epci", "kind", "sort", "next")}
    for url in public_get_urls():
        assert_handled(client.get(url, params), url)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_the_public_request_form_refuses_hostile_values_clearly_and_keeps_the_rest(client, payload):
    data = valid_form_data()
    for field in ("requester_name", "requester_phone", "requester_email", "address", "description", "commune"):
        response = client.post(reverse("requests:new"), {**data, field: payload})
        assert_handled(response, f"{field}={payload[:30]!r}")
        if len(payload) > 10_000:
            assert response.status_code == 400, f"a megabyte accepted in {field}"
        if response.status_code == 302:  # accepted: the text is stored as typed, and shown escaped
            tracked = client.get(response["Location"])
            assert_handled(tracked, "tracking page")
        else:
            assert response.status_code == 400
            assert 'value="Monique Petit"' in response.content.decode() or field == "requester_name"


def test_a_script_in_a_stored_request_is_shown_as_text_to_staff_and_on_tracking(client, staff):
    response = client.post(reverse("requests:new"), valid_form_data(description=SCRIPT, address=SCRIPT))
    help_request = HelpRequest.objects.get()
    assert help_request.description == SCRIPT
    assert SCRIPT not in client.get(response["Location"]).content.decode()
    page = client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk])).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("missions:detail", {"pk": HUGE_ID}),
        ("associations:public", {"pk": HUGE_ID}),
        ("missions:apply", {"pk": HUGE_ID}),
        ("volunteers:proposal", {"pk": HUGE_ID}),
        ("associations:space", {"pk": HUGE_ID}),
        ("associations:mission_edit", {"pk": HUGE_ID, "mission_pk": HUGE_ID}),
    ],
)
def test_huge_ids_are_a_plain_404(client, name, kwargs):
    client.force_login(VolunteerProfileFactory().user)
    for method in (client.get, client.post):
        assert method(reverse(name, kwargs=kwargs)).status_code in (404, 405)  # 405: a method the URL never takes


@pytest.mark.parametrize(
    "path", ["/missions/-1/", "/missions/1e9/", "/missions/%00/", "/demandes/suivi/%ff%fe/", "/%c0%af/"]
)
def test_malformed_paths_are_a_clean_4xx(client, path):
    assert 400 <= client.get(path).status_code < 500


def test_invalid_utf8_in_a_form_body_is_handled(client):
    body = b"requester_name=\xff\xfe\xfd&description=\xc3\x28&consent=on"
    response = client.post(reverse("requests:new"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/json", '{"requester_name": "Monique"}'),
        ("text/plain", "requester_name=Monique"),
        ("multipart/form-data; boundary=nope", "--broken"),
        ("application/xml", "<a>&xxe;</a>"),
    ],
)
def test_wrong_content_types_get_the_form_back_not_an_error_page(client, content_type, body):
    response = client.post(reverse("requests:new"), body, content_type=content_type)
    assert response.status_code == 400
    assert "Demander de l" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_a_body_above_the_upload_limit_is_refused_with_a_4xx(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    response = client.post(reverse("requests:new"), {**valid_form_data(), "description": "x" * 2_000_000})
    assert 400 <= response.status_code < 500
    assert not HelpRequest.objects.exists()


def test_hostile_tokens_and_references_reveal_nothing(client):
    help_request = HelpRequestFactory()
    for token in ("' OR 1=1 --", "x" * 500, help_request.reference, help_request.tracking_token[:-1] + "!"):
        assert client.get(f"/demandes/suivi/{token}/").status_code == 404


# --- Forms behind a sign-in: the same payloads in every field of every form -----------------------------------


def member_forms(world):
    """(who posts, URL, the form class whose fields receive the payload)."""
    from associations.forms import AssociationForm, HandBackForm, InvitationForm, MissionForm, NewsItemForm
    from volunteers.forms import CompleteForm, DeclineForm, DeleteAccountForm, PauseForm, ProfileForm

    association, member, volunteer, proposal, mission, routed = world
    return [
        (volunteer.user, reverse("volunteers:profile"), ProfileForm),
        (volunteer.user, reverse("volunteers:pause"), PauseForm),
        (volunteer.user, reverse("volunteers:decline", args=[proposal.pk]), DeclineForm),
        (volunteer.user, reverse("volunteers:complete", args=[proposal.pk]), CompleteForm),
        (volunteer.user, reverse("missions:apply", args=[mission.pk]), None),
        (member, reverse("associations:register"), AssociationForm),
        (member, reverse("associations:members", args=[association.pk]), InvitationForm),
        (member, reverse("associations:mission_new", args=[association.pk]), MissionForm),
        (member, reverse("associations:news_create", args=[association.pk]), NewsItemForm),
        (member, reverse("associations:routed_hand_back", args=[association.pk, routed.reference]), HandBackForm),
        (volunteer.user, reverse("volunteers:delete"), DeleteAccountForm),  # last: any ticked value deletes
    ]


@pytest.fixture
def world():
    from tests.associations.factories import member_of
    from volunteers.services import proposal_accept, proposal_create

    association = AssociationFactory()
    member = member_of(association)
    volunteer = VolunteerProfileFactory()
    proposal = proposal_accept(
        proposal=proposal_create(help_request=HelpRequestFactory(triaged=True), volunteer=volunteer)
    )
    routed = HelpRequestFactory(triaged=True)
    routed.route_to(association)
    return association, member, volunteer, proposal, MissionFactory(association=association), routed


@pytest.mark.parametrize("payload", [SCRIPT, "' OR '1'='1' --", "a\x00b", "x" * 1_000_000, HUGE_ID, "-1"])
def test_every_signed_in_form_handles_hostile_values_in_every_field(client, world, payload):
    for user, url, form_class in member_forms(world):
        fields = list(form_class.base_fields) if form_class else ["message"]
        client.force_login(user)
        response = client.post(url, {name: payload for name in fields})
        assert_handled(response, f"{url} with {payload[:20]!r}")
        if response.status_code == 302:
            assert_handled(client.get(response["Location"]), f"after {url}")
