"""Who is told what about an organisation, its missions and its members (associations/notices.py)."""

import pytest
from django.urls import reverse

from associations.enums import ApplicationStatus
from associations.services import application_create, application_decide, invitation_create
from notifications.enums import Channel, Event
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory, MissionFactory, member_of
from tests.notifications.messages import rows, sent_to

pytestmark = pytest.mark.django_db


# --- Volunteers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, words",
    [(True, "a accepté votre candidature"), (False, "ne peut pas retenir votre candidature")],
)
def test_the_volunteer_hears_the_answer_to_an_application(accept, words):
    mission = MissionFactory(title="Distribution alimentaire")
    application = application_create(mission=mission, volunteer=UserFactory(email="v@exemple.fr"), message="")

    application = application_decide(application=application, accept=accept, by=member_of(mission.association))

    [notification] = rows(Event.APPLICATION_DECIDED)
    assert (notification.channel, notification.recipient) == (Channel.EMAIL, "v@exemple.fr")
    assert "Distribution alimentaire" in notification.subject
    assert words in notification.body
    assert application.status == (ApplicationStatus.ACCEPTED if accept else ApplicationStatus.DECLINED)


# --- Organisations --------------------------------------------------------------------------------------------


def test_a_new_application_reaches_every_member_of_the_organisation():
    mission = MissionFactory(title="Maraude du soir")
    admin = member_of(mission.association)
    member = member_of(mission.association, role="member")

    application_create(mission=mission, volunteer=UserFactory(), message="Je suis libre le soir.")

    assert sent_to(Event.APPLICATION_NEW) == sorted([(Channel.EMAIL, admin.email), (Channel.EMAIL, member.email)])
    notification = rows(Event.APPLICATION_NEW)[0]
    assert notification.subject == "[Entraide 54] Nouvelle candidature : Maraude du soir"
    assert "Je suis libre le soir." in notification.body
    assert reverse("associations:applications", args=[mission.association.pk]) in notification.body


def test_validating_an_organisation_tells_its_members(client, staff):
    association = AssociationFactory(pending=True, name="Les Restos du Cœur 54")
    admin = member_of(association)

    client.post(
        reverse("admin:associations_association_changelist"),
        {"action": "validate", "_selected_action": [association.pk]},
    )

    [notification] = rows(Event.ASSOCIATION_VALIDATED)
    assert (notification.channel, notification.recipient) == (Channel.EMAIL, admin.email)
    assert notification.subject == "[Entraide 54] Les Restos du Cœur 54 est validée"
    assert "Le département a validé Les Restos du Cœur 54" in notification.body


def test_an_invitation_is_emailed_to_the_invited_address():
    association = AssociationFactory(name="Secours populaire")
    invitation_create(
        association=association, email="nouveau@asso.fr", role="member", invited_by=member_of(association)
    )

    [notification] = rows(Event.INVITATION)
    assert notification.recipient == "nouveau@asso.fr"
    assert notification.subject == "[Entraide 54] Invitation à rejoindre Secours populaire"
    assert "/associations/invitation/" in notification.body
