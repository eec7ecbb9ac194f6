import re

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User
from associations.models import Membership
from tests.accounts.factories import PASSWORD, AgentFactory, UserFactory
from tests.associations.factories import AssociationFactory
from tests.core.factories import commune
from tests.core.test_brand import STATE_IDENTITY
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


def sign_up(client, email="nouvelle@exemple.fr"):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}, follow=True
    )


def test_signing_up_sends_a_verification_email_in_french_and_does_not_log_in(client, mailoutbox):
    response = sign_up(client)
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert not response.wsgi_request.user.is_authenticated
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nouvelle@exemple.fr"]
    assert "Confirmez" in mailoutbox[0].subject or "confirm" in mailoutbox[0].body.lower()


def test_an_unverified_account_cannot_log_in_until_the_email_is_confirmed(client, mailoutbox):
    sign_up(client)
    response = client.post(reverse("account_login"), {"login": "nouvelle@exemple.fr", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not client.session.get("_auth_user_id")

    link = re.search(r"https?://testserver(/comptes/confirm-email/\S+/)", mailoutbox[0].body).group(1)
    client.post(link)
    response = client.post(reverse("account_login"), {"login": "nouvelle@exemple.fr", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(User.objects.get(email="nouvelle@exemple.fr").pk)


def test_confirming_the_email_from_the_browser_that_signed_up_signs_the_volunteer_in(client, mailoutbox):
    sign_up(client)
    link = re.search(r"https?://testserver(/comptes/confirm-email/\S+/)", mailoutbox[0].body).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link, follow=True)
    assert response.wsgi_request.user.is_authenticated
    assert response.wsgi_request.user.email == "nouvelle@exemple.fr"
    assert response.redirect_chain[-1][0] != reverse("account_login")


def test_a_confirmation_link_opened_in_another_browser_confirms_without_signing_in(client, mailoutbox):
    sign_up(client)
    link = re.search(r"https?://testserver(/comptes/confirm-email/\S+/)", mailoutbox[0].body).group(1)
    client.cookies.clear()
    response = client.post(link, follow=True)
    assert not response.wsgi_request.user.is_authenticated
    assert User.objects.get(email="nouvelle@exemple.fr").emailaddress_set.get().verified


def test_account_pages_say_adresse_electronique_and_never_e_mail_or_courriel(client, mailoutbox):
    pages = {name: client.get(reverse(name)) for name in ["account_login", "account_signup", "account_reset_password"]}
    sign_up(client)
    pages["account_email_verification_sent"] = client.get(reverse("account_email_verification_sent"))
    link = re.search(r"https?://testserver(/comptes/confirm-email/\S+/)", mailoutbox[0].body).group(1)
    pages["account_confirm_email"] = client.get(link)
    pages["a mistyped address"] = client.post(reverse("account_signup"), {"email": "nouvelle.exemple.fr"})
    client.force_login(User.objects.get(email="nouvelle@exemple.fr"))
    pages["account_email"] = client.get(reverse("account_email"))
    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert not re.search(r"(?i)e-mail|courriel", page), name
        assert "adresse électronique" in page.lower(), name
    assert (
        "Confirmez que nouvelle@exemple.fr est bien votre adresse électronique."
        in pages["account_confirm_email"].content.decode()
    )
    assert not re.search(r"(?i)e-mail|courriel", mailoutbox[0].subject + mailoutbox[0].body)


def test_the_email_is_the_login(client):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_a_wrong_password_gives_a_french_message_and_keeps_the_email(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "pas-le-bon"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "adresse électronique ou le mot de passe sont incorrects" in content
    assert f'value="{user.email}"' in content


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "password1": PASSWORD, "password2": PASSWORD}, "email", "Ce champ est obligatoire"),
        (
            {"email": "pas-une-adresse", "password1": PASSWORD, "password2": PASSWORD},
            "email",
            "adresse électronique valide",
        ),
        ({"email": "a@exemple.fr", "password1": "court", "password2": "court"}, "password1", "trop court"),
        (
            {"email": "a@exemple.fr", "password1": PASSWORD, "password2": "autre-chose-x"},
            "password2",
            "deux fois le même mot de passe",
        ),
    ],
)
def test_bad_sign_up_input_gives_a_french_message_and_a_refilled_form(client, data, field, message):
    response = client.post(reverse("account_signup"), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    # The message is the field's own, tied to its input: marked invalid and described by it.
    field_input = re.search(rf'<input[^>]*id="id_{field}"[^>]*>', content).group(0)
    assert "is-invalid" in field_input and 'aria-invalid="true"' in field_input
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}-erreurs\b', field_input)
    assert message in re.search(rf'<p id="id_{field}-erreurs"[^>]*>(.*?)</p>', content, re.S).group(1)
    if data["email"]:
        assert f'value="{data["email"]}"' in content
    assert not User.objects.exists()


def test_the_login_and_signup_pages_are_in_french_with_the_portal_s_look(client):
    for name in ["account_login", "account_signup"]:
        content = client.get(reverse(name)).content.decode()
        assert '<html lang="fr"' in content
        assert 'class="entraide-header"' in content  # the portal's own header, around allauth's page
        assert re.search(r'<input[^>]*class="form-control"[^>]*id="id_(login|email)"', content)
        assert "Mot de passe" in content
        assert not STATE_IDENTITY.search(content)


def test_the_addresses_page_draws_each_address_as_a_labelled_radio_and_its_errors_on_the_input(client):
    user = UserFactory()
    client.force_login(user)
    content = client.get(reverse("account_email")).content.decode()
    radio = re.search(r'<input[^>]*type="radio"[^>]*>', content).group(0)
    assert 'class="form-check-input"' in radio and f'value="{user.email}"' in radio and "checked" in radio
    radio_id = re.search(r'id="([^"]+)"', radio).group(1)
    assert re.search(rf'<label class="form-check-label" for="{radio_id}">\s*{re.escape(user.email)}', content)

    content = client.post(reverse("account_email"), {"action_add": "", "email": "pas-une-adresse"}).content.decode()
    field_input = re.search(r'<input[^>]*name="email"[^>]*id="id_email"[^>]*>', content).group(0)
    assert "is-invalid" in field_input and re.search(r'aria-describedby="[^"]*\bid_email-erreurs\b', field_input)
    assert "Saisissez une adresse électronique valide." in content


def test_the_admin_sends_visitors_to_the_portal_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_staff_reach_the_admin_in_french_and_others_do_not(client):
    staff = AgentFactory()
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Référentiels" in response.content.decode()

    client.force_login(UserFactory())
    assert client.get("/admin/").status_code == 302


def test_roles_follow_what_an_account_is_attached_to():
    staff, member, volunteer = UserFactory(staff=True), UserFactory(), UserFactory()
    nancy = commune("54395")
    Membership.objects.create(association=AssociationFactory(), user=member)
    VolunteerProfile.objects.create(user=volunteer, home_commune=nancy)

    assert staff.roles == {Role.STAFF}
    assert User.objects.get(pk=member.pk).roles == {Role.ASSOCIATION_MEMBER}
    assert User.objects.get(pk=volunteer.pk).roles == {Role.VOLUNTEER}


def test_a_user_cannot_be_created_without_an_email():
    with pytest.raises(ValueError):
        User.objects.create_user(email="")
