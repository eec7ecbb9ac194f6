import html

import pytest
from django.urls import reverse

from associations.enums import ApplicationStatus
from associations.models import Application
from associations.services import AssociationError, application_decide
from tests.accounts.factories import UserFactory
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory, member_of

pytestmark = pytest.mark.django_db


def apply(client, mission, message="Je suis disponible le samedi."):
    return client.post(reverse("missions:apply", args=[mission.pk]), {"message": message}, follow=True)


def test_a_volunteer_applies_with_a_message_and_sees_it_on_the_mission(client):
    mission = MissionFactory()
    volunteer = UserFactory()
    client.force_login(volunteer)

    response = apply(client, mission)

    application = Application.objects.get()
    assert (application.volunteer, application.status) == (volunteer, ApplicationStatus.PENDING)
    assert application.message == "Je suis disponible le samedi."
    assert "Votre candidature est envoyée" in response.content.decode()
    assert "Retirer ma candidature" in response.content.decode()


def test_applying_needs_an_account(client):
    mission = MissionFactory()
    response = client.post(reverse("missions:apply", args=[mission.pk]), {"message": "x"})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not Application.objects.exists()


def test_applying_twice_is_refused_politely(client):
    mission = MissionFactory()
    client.force_login(UserFactory())
    apply(client, mission)
    response = apply(client, mission)
    assert "déjà candidaté" in html.unescape(response.content.decode())
    assert Application.objects.count() == 1


def test_a_too_long_message_comes_back_with_the_text(client):
    mission = MissionFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("missions:apply", args=[mission.pk]), {"message": "m" * 1001})
    assert response.status_code == 400
    assert "au plus 1000 caractères" in response.content.decode()
    assert "m" * 1001 in response.content.decode()
    assert not Application.objects.exists()


def test_no_application_to_a_draft_or_to_an_organisation_one_belongs_to(client):
    draft = MissionFactory(draft=True)
    client.force_login(UserFactory())
    assert client.post(reverse("missions:apply", args=[draft.pk])).status_code == 404

    mission = MissionFactory()
    member_of(mission.association, client)
    response = apply(client, mission)
    assert "membre de cette structure" in response.content.decode()
    assert not Application.objects.exists()


def test_the_association_accepts_and_declines_and_accepted_volunteers_fill_the_mission(client):
    mission = MissionFactory(volunteers_needed=1)
    first, second, third = ApplicationFactory.create_batch(3, mission=mission)
    member_of(mission.association, client)
    url = lambda application, decision: reverse(  # noqa: E731
        "associations:application_decision", args=[mission.association.pk, application.pk, decision]
    )

    client.post(url(first, "accepter"))
    client.post(url(second, "decliner"))
    response = client.post(url(third, "accepter"), follow=True)

    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "accepted", second.pk: "declined", third.pk: "pending"}
    assert "déjà complète" in html.unescape(response.content.decode())
    page = client.get(f"/missions/{mission.pk}/").content.decode()
    assert "Cette mission est complète" in page

    client.force_login(UserFactory())
    assert "complète" in html.unescape(apply(client, mission).content.decode())
    assert Application.objects.count() == 3


def test_a_decision_is_given_once():
    application = ApplicationFactory()
    application_decide(application=application, accept=False, by=None)
    with pytest.raises(AssociationError):
        application_decide(application=application, accept=True, by=None)


def test_the_association_sees_only_its_own_applications(client):
    own = ApplicationFactory(message="Pour nous")
    other = ApplicationFactory(message="Pour les voisins")
    member_of(own.mission.association, client)
    content = client.get(reverse("associations:applications", args=[own.mission.association.pk])).content.decode()
    assert "Pour nous" in content and "Pour les voisins" not in content
    assert other.volunteer.email not in content


def test_a_volunteer_withdraws_and_frees_the_place(client):
    mission = MissionFactory(volunteers_needed=1)
    application = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    client.force_login(application.volunteer)

    client.post(reverse("missions:withdraw", args=[application.pk]), {"next": f"/missions/{mission.pk}/"})

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert "Cette mission est complète" not in client.get(f"/missions/{mission.pk}/").content.decode()
    apply(client, mission)  # may apply again after withdrawing
    assert Application.objects.filter(status=ApplicationStatus.PENDING).count() == 1


def test_nobody_withdraws_someone_else_s_application(client):
    application = ApplicationFactory()
    client.force_login(UserFactory())
    assert client.post(reverse("missions:withdraw", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_withdrawing_never_redirects_off_site(client):
    application = ApplicationFactory()
    client.force_login(application.volunteer)
    response = client.post(reverse("missions:withdraw", args=[application.pk]), {"next": "https://evil.example/"})
    assert response.url == reverse("missions:list")


def test_applications_of_a_suspended_organisation_cannot_be_made(client):
    mission = MissionFactory(association=AssociationFactory(suspended=True))
    client.force_login(UserFactory())
    assert client.post(reverse("missions:apply", args=[mission.pk])).status_code == 404


def test_the_volunteer_hears_the_answer_by_email_and_on_the_mission(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    mission = MissionFactory()
    application = ApplicationFactory(mission=mission)
    member_of(mission.association, client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("associations:application_decision", args=[mission.association.pk, application.pk, "decliner"])
        )
    assert mailoutbox[0].to == [application.volunteer.email]
    assert mission.title in mailoutbox[0].subject

    client.force_login(application.volunteer)
    assert "n'a pas pu retenir votre candidature" in html.unescape(
        client.get(f"/missions/{mission.pk}/").content.decode()
    )
    response = apply(client, mission)
    assert "déjà répondu" in html.unescape(response.content.decode())
    assert Application.objects.count() == 1


def test_pending_applications_come_first_for_the_association(client):
    mission = MissionFactory(volunteers_needed=5)
    ApplicationFactory(mission=mission, status="accepted", message="décidée")
    ApplicationFactory(mission=mission, message="en attente")
    member_of(mission.association, client)
    listed = client.get(reverse("associations:applications", args=[mission.association.pk])).context["applications"]
    assert [a.message for a in listed] == ["en attente", "décidée"]
