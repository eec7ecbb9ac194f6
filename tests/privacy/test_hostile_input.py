"""Hostile input on every public form and endpoint: never a 500, never a stack trace, typed text escaped."""

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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
NUL_REFUSAL = "caractère nul"


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
        reverse("core:commune_search"), reverse("requests:new"), reverse("core:health"), reverse("core:health_full"),
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
        elif "\x00" in payload:  # no one types a NUL: refused before the form, by the guard of every request
            assert response.status_code == 400 and NUL_REFUSAL in response.content.decode()
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


def test_a_nul_byte_posted_to_the_request_change_page_is_a_400_not_a_500(client, staff):
    # The autocomplete widget shows the posted commune again, querying with it: PostgreSQL refused the NUL.
    help_request = HelpRequestFactory()
    url = reverse("admin:requests_app_helprequest_change", args=[help_request.pk])
    response = client.post(url, {"commune": "a\x00b", "requester_name": "Monique Petit"})
    assert response.status_code == 400
    assert NUL_REFUSAL in response.content.decode()
    help_request.refresh_from_db()
    assert help_request.commune.insee == "54395"


@pytest.mark.parametrize(
    "data",
    [
        {"requester_name": "Monique\x00 Petit"},
        {"requester_name\x00": "Monique Petit"},
        {"days": ["0", "2\x00"]},
    ],
    ids=["value", "name", "one-of-several-values"],
)
def test_a_nul_byte_anywhere_in_a_form_is_refused_with_a_clear_page(client, data):
    for encode in ("multipart", "urlencoded"):
        fields = {**valid_form_data(), **data}
        if encode == "urlencoded":
            response = client.post(
                reverse("requests:new"),
                urlencode(fields, doseq=True),
                content_type="application/x-www-form-urlencoded",
            )
        else:
            response = client.post(reverse("requests:new"), fields)
        assert response.status_code == 400, encode
        page = response.content.decode()
        assert "Requête invalide" in page and NUL_REFUSAL in page, encode
        assert response["Content-Security-Policy"], "the refusal went out through the middleware chain"
    assert not HelpRequest.objects.exists()


def test_a_nul_byte_in_an_uploaded_text_file_is_refused_but_not_in_a_binary_one(client):
    text = SimpleUploadedFile("beneficiaires.csv", b"nom;telephone\nMonique\x00;0612345678\n", "text/csv")
    response = client.post(reverse("requests:new"), {**valid_form_data(), "piece": text})
    assert response.status_code == 400 and NUL_REFUSAL in response.content.decode()
    assert not HelpRequest.objects.exists()

    image = SimpleUploadedFile("ordonnance.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")
    assert client.post(reverse("requests:new"), {**valid_form_data(), "piece": image}).status_code == 302


def test_a_nul_byte_in_another_kind_of_body_is_refused(client):
    response = client.post(reverse("requests:new"), b'{"requester_name": "a\x00b"}', content_type="application/json")
    assert response.status_code == 400 and NUL_REFUSAL in response.content.decode()


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
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()  # the portal's page, not Django's bare one
    assert not HelpRequest.objects.exists()


def test_hostile_tokens_and_references_reveal_nothing(client):
    help_request = HelpRequestFactory()
    for token in ("' OR 1=1 --", "x" * 500, help_request.reference, help_request.tracking_token[:-1] + "!"):
        assert client.get(f"/demandes/suivi/{token}/").status_code == 404


# --- Forms behind a sign-in: the same payloads in every field of every form -----------------------------------


def member_forms(world):
    """(who posts, URL, the form class whose fields receive the payload)."""
    from associations.forms import AssociationForm, InvitationForm, MissionForm, NewsItemForm
    from portal.forms import CompleteForm, DeclineForm, DeleteAccountForm
    from requests_app.forms import HandBackForm
    from volunteers.forms import PauseForm, ProfileForm

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
    from matching.services import proposal_accept, proposal_create
    from tests.associations.factories import member_of

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
