"""An organisation passes a request routed to it to one of its own people: a member, or a volunteer it accepted on
one of its missions (requests_app.routing, views/routed.py). Who may be given it, one live assignment, who is told,
who sees the person's details (and that each look is logged), and what "C'est fait" and "Je ne peux pas" do."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from associations.enums import ApplicationStatus, MemberRole
from notifications.enums import Channel, Event
from requests_app.enums import AccessReason, AssignmentEnd, Status
from requests_app.models import AccessLog, OrganisationAssignment
from requests_app.retention import closed_requests_anonymise
from requests_app.routing import (
    AssignmentRefused,
    assignable_people,
    routed_request_assign,
    routed_request_complete,
)
from tests.accounts.factories import UserFactory
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory, member_of
from tests.concurrency import run_at_once
from tests.notifications.messages import rows, sent_to
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

# What the person's page shows, and what no email may carry.
SECRETS = ["Germaine Petit", "Julien Petit", "+33687654321", "87 65 43 21", "12 rue des Lilas", "la clé est au 2e"]


@pytest.fixture
def organisation():
    return AssociationFactory(name="Épicerie solidaire de Vandœuvre", contact_phone="03 83 00 00 00")


@pytest.fixture
def coordinator(client, organisation):
    """The member who passes requests on, signed in on `client`."""
    user = member_of(organisation, client, MemberRole.MEMBER)
    user.first_name, user.last_name = "Karim", "Coordinateur"
    user.save()
    return user


@pytest.fixture
def colleague(organisation):
    user = member_of(organisation, role=MemberRole.MEMBER)
    user.first_name, user.last_name = "Marie", "Dupont"
    user.save()
    return user


def volunteer_of(organisation, *, status=ApplicationStatus.ACCEPTED, first_name="Paul", last_name="Bénévole"):
    """Someone who applied to one of the organisation's missions, with that answer."""
    volunteer = UserFactory(first_name=first_name, last_name=last_name)
    ApplicationFactory(mission=MissionFactory(association=organisation), volunteer=volunteer, status=status)
    return volunteer


@pytest.fixture
def volunteer(organisation):
    return volunteer_of(organisation)


def routed_to(association, **fields):
    help_request = HelpRequestFactory(triaged=True, **fields)
    help_request.route_to(association)
    return help_request


@pytest.fixture
def held(organisation):
    return routed_to(
        organisation,
        requester_name="Julien Petit",
        requester_phone="+33612345678",
        requester_email="julien.petit@exemple.fr",
        beneficiary_name="Germaine Petit",
        beneficiary_phone="+33687654321",
        address="12 rue des Lilas",
        description="Courses : la clé est au 2e.",
        preferred_slots=0,
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assign(help_request, assignee, *, by, note=""):
    membership = by.memberships.get(association=help_request.routed_to)
    return routed_request_assign(help_request=help_request, membership=membership, assignee=assignee, by=by, note=note)


def routed_page(help_request) -> str:
    return reverse("associations:routed", args=[help_request.routed_to_id, help_request.reference])


def assigned_page(help_request) -> str:
    return reverse("associations:assigned", args=[help_request.reference])


def test_the_paths_are_those_the_emails_and_pages_use():
    assert reverse("associations:assigned_list") == "/associations/demandes-confiees/"
    assert reverse("associations:assigned", args=["E54-ABCD-EFGH"]) == "/associations/demandes-confiees/E54-ABCD-EFGH/"
    assert reverse("associations:routed_assign", args=[7, "E54-ABCD-EFGH"]) == (
        "/associations/7/demandes/E54-ABCD-EFGH/confier/"
    )


# --- Who may be given a request ----------------------------------------------------------------------------------


def test_members_come_first_then_the_volunteers_it_accepted(organisation, coordinator, colleague, volunteer):
    people = list(assignable_people(organisation))

    assert people == [coordinator, colleague, volunteer]
    assert [person.is_member for person in people] == [True, True, False]


def test_nobody_else_may_be_given_a_request(organisation, coordinator):
    other = AssociationFactory()
    outsiders = [
        volunteer_of(organisation, status=ApplicationStatus.PENDING),
        volunteer_of(organisation, status=ApplicationStatus.DECLINED),
        volunteer_of(organisation, status=ApplicationStatus.WITHDRAWN),
        volunteer_of(other),
        member_of(other),
        UserFactory(),
    ]
    inactive = volunteer_of(organisation)
    inactive.is_active = False
    inactive.save()
    suspended = VolunteerProfileFactory(status="suspended").user
    ApplicationFactory(mission=MissionFactory(association=organisation), volunteer=suspended, status="accepted")

    assert list(assignable_people(organisation)) == [coordinator]
    for outsider in [*outsiders, inactive, suspended]:
        assert outsider not in assignable_people(organisation)


def test_a_member_who_also_volunteers_elsewhere_is_listed_once_as_a_member(organisation, coordinator):
    ApplicationFactory(mission=MissionFactory(association=organisation), volunteer=coordinator, status="accepted")
    assert [(person, person.is_member) for person in assignable_people(organisation)] == [(coordinator, True)]


OUTSIDERS = {
    "a volunteer of another organisation": lambda organisation: volunteer_of(AssociationFactory()),
    "a declined applicant": lambda organisation: volunteer_of(organisation, status=ApplicationStatus.DECLINED),
    "an applicant not answered yet": lambda organisation: volunteer_of(organisation, status="pending"),
    "a member of another organisation": lambda organisation: member_of(AssociationFactory()),
}


@pytest.mark.parametrize("outsider", list(OUTSIDERS))
def test_the_service_refuses_an_outsider_in_french(organisation, coordinator, held, outsider):
    person = OUTSIDERS[outsider](organisation)

    with pytest.raises(AssignmentRefused) as refusal:
        assign(held, person, by=coordinator)

    assert str(refusal.value) == (
        f"{person} n'est ni membre de Épicerie solidaire de Vandœuvre, ni bénévole accepté·e sur l'une de ses "
        "missions : la demande ne peut pas lui être confiée."
    )
    assert not OrganisationAssignment.objects.exists()
    assert not rows(Event.ORGANISATION_ASSIGNED)


@pytest.mark.parametrize("outsider", list(OUTSIDERS))
def test_the_form_refuses_an_outsider_in_french_and_keeps_the_note(client, organisation, coordinator, held, outsider):
    person = OUTSIDERS[outsider](organisation)

    response = client.post(
        reverse("associations:routed_assign", args=[organisation.pk, held.reference]),
        {"assignee": person.pk, "message": "Appeler après 10 h."},
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "ni bénévole accepté·e sur l&#x27;une de ses missions : la demande ne peut pas lui être confiée." in content
    assert "Appeler après 10 h." in content
    assert "Germaine Petit" in content  # the page itself, still usable
    assert not OrganisationAssignment.objects.exists()


def test_choosing_nobody_is_refused_in_french(client, organisation, coordinator, held):
    response = client.post(reverse("associations:routed_assign", args=[organisation.pk, held.reference]), {})
    assert response.status_code == 400
    assert "Choisissez la personne à qui confier la demande." in response.content.decode()


def test_a_request_the_organisation_no_longer_holds_is_not_passed_on(organisation, coordinator, colleague, held):
    held.transition(Status.DONE)
    with pytest.raises(AssignmentRefused, match="Votre structure n'a plus cette demande"):
        assign(held, colleague, by=coordinator)


# --- Passing it, and the one live assignment ---------------------------------------------------------------------


def test_the_routed_page_lists_the_people_members_first(client, organisation, coordinator, colleague, volunteer, held):
    volunteer_of(organisation, status=ApplicationStatus.PENDING, first_name="Pas", last_name="Encore")

    content = client.get(routed_page(held)).content.decode()

    members_group = content.index('<optgroup label="Membres de la structure">')
    volunteers_group = content.index('<optgroup label="Bénévoles acceptés sur vos missions">')
    assert members_group < content.index("Marie Dupont") < volunteers_group < content.index("Paul Bénévole")
    assert "Pas Encore" not in content
    assert "Personne pour l'instant." in content


def test_passing_a_request_tells_the_person_where_to_find_it_without_the_details(
    client, organisation, coordinator, volunteer, held
):
    response = client.post(
        reverse("associations:routed_assign", args=[organisation.pk, held.reference]),
        {"assignee": volunteer.pk, "message": "Elle n'entend pas bien : la clé est au 2e."},
    )

    assert response.status_code == 302 and response.url == routed_page(held)
    assignment = OrganisationAssignment.objects.get()
    assert (assignment.help_request, assignment.association, assignment.assignee, assignment.assigned_by) == (
        held,
        organisation,
        volunteer,
        coordinator,
    )
    assert assignment.is_live
    held.refresh_from_db()
    assert (held.status, held.routed_to) == (Status.ROUTED, organisation)  # the organisation still answers for it
    note = held.notes.get()
    assert note.author == coordinator
    assert note.text.startswith("Confiée par Épicerie solidaire de Vandœuvre à Paul Bénévole.")
    (email,) = rows(Event.ORGANISATION_ASSIGNED)
    assert (email.channel, email.recipient) == (Channel.EMAIL, volunteer.email)
    assert email.subject == f"[Entraide 54] Épicerie solidaire de Vandœuvre vous confie la demande {held.reference}"
    assert f"http://127.0.0.1:8000{assigned_page(held)}" in email.body
    assert "Karim Coordinateur, de Épicerie solidaire de Vandœuvre, vous confie" in email.body
    for secret in SECRETS:
        assert secret not in email.subject and secret not in email.body
    page = client.get(response.url).content.decode()
    assert f"Demande {held.reference} confiée à Paul Bénévole" in page
    assert "Confiée à <strong>Paul Bénévole</strong>" in page
    assert "Elle n&#x27;entend pas bien" in page


def test_a_member_may_take_it_on_herself(organisation, coordinator, held):
    assignment = assign(held, coordinator, by=coordinator)
    assert assignment.assignee == coordinator


def test_a_request_has_one_live_assignment_at_most(organisation, coordinator, colleague, volunteer, held):
    assign(held, colleague, by=coordinator)

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationAssignment.objects.create(help_request=held, association=organisation, assignee=volunteer)


def test_passing_it_again_to_the_same_person_is_refused(organisation, coordinator, colleague, held):
    assign(held, colleague, by=coordinator)
    with pytest.raises(AssignmentRefused, match="La demande est déjà confiée à Marie Dupont."):
        assign(held, colleague, by=coordinator)
    assert OrganisationAssignment.objects.count() == 1


def test_passing_it_to_someone_else_ends_the_first_and_tells_both(
    client, organisation, coordinator, colleague, volunteer, held
):
    first = assign(held, colleague, by=coordinator)

    response = client.post(
        reverse("associations:routed_assign", args=[organisation.pk, held.reference]), {"assignee": volunteer.pk}
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.is_live, first.ended_reason) == (False, AssignmentEnd.REASSIGNED)
    live = OrganisationAssignment.objects.live().get()
    assert live.assignee == volunteer
    assert sent_to(Event.ORGANISATION_ASSIGNED) == sorted(
        [(Channel.EMAIL, colleague.email), (Channel.EMAIL, volunteer.email)]
    )
    (told,) = rows(Event.ORGANISATION_UNASSIGNED)
    assert told.recipient == colleague.email
    assert told.subject == f"[Entraide 54] La demande {held.reference} ne vous est plus confiée"
    assert "à une autre personne" in told.body
    assert "03 83 00 00 00" in told.body  # whom to warn if she had already called
    for secret in SECRETS:
        assert secret not in told.body
    assert signed_in(colleague).get(assigned_page(held)).status_code == 404
    assert signed_in(volunteer).get(assigned_page(held)).status_code == 200
    page = client.get(routed_page(held)).content.decode()
    assert "Déjà confiée à" in page and "confiée à quelqu&#x27;un d&#x27;autre" in page


def test_taking_it_back_ends_it_and_tells_the_person(client, organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator)

    response = client.post(reverse("associations:routed_unassign", args=[organisation.pk, held.reference]))

    assert response.status_code == 302 and response.url == routed_page(held)
    assignment = OrganisationAssignment.objects.get()
    assert (assignment.is_live, assignment.ended_reason) == (False, AssignmentEnd.WITHDRAWN)
    (told,) = rows(Event.ORGANISATION_UNASSIGNED)
    assert told.recipient == volunteer.email and "a repris la demande" in told.body
    assert "Reprise à Paul Bénévole par la structure." in held.notes.values_list("text", flat=True)
    assert signed_in(volunteer).get(assigned_page(held)).status_code == 404
    assert "Personne pour l'instant." in client.get(routed_page(held)).content.decode()


def test_taking_back_a_request_passed_to_nobody_says_so(client, organisation, coordinator, held):
    response = client.post(
        reverse("associations:routed_unassign", args=[organisation.pk, held.reference]), follow=True
    )
    assert "La demande n&#x27;est confiée à personne." in response.content.decode()


# --- What the person sees, and who else does not -----------------------------------------------------------------


def test_the_person_sees_what_is_needed_to_act_and_the_look_is_logged(organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator, note="Passer plutôt le matin.")
    client = signed_in(volunteer)

    response = client.get(assigned_page(held))

    assert response.status_code == 200
    content = response.content.decode()
    for shown in ["Germaine Petit", 'href="tel:+33687654321"', "12 rue des Lilas", "Julien Petit", "la clé est au 2e"]:
        assert shown in content
    assert "Passer plutôt le matin." in content
    assert "Le mot de Karim Coordinateur" in content
    log = AccessLog.objects.get(user=volunteer)
    assert (log.help_request, log.reason, log.path) == (held, AccessReason.ORGANISATION_ASSIGNED, assigned_page(held))


def test_the_person_s_list_holds_only_what_is_theirs_now(organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator)
    taken_back = routed_to(organisation)
    assign(taken_back, volunteer, by=coordinator)
    taken_back.transition(Status.DONE)
    someone_else_s = routed_to(organisation)
    assign(someone_else_s, coordinator, by=coordinator)

    response = signed_in(volunteer).get(reverse("associations:assigned_list"))

    assert [assignment.help_request for assignment in response.context["assignments"]] == [held]
    content = response.content.decode()
    assert f'href="{assigned_page(held)}"' in content
    assert "Germaine Petit" not in content  # no name in the list: nothing to log
    assert not AccessLog.objects.exists()


def test_a_member_who_is_not_the_person_keeps_the_organisation_s_page_only(
    organisation, coordinator, colleague, volunteer, held
):
    assign(held, volunteer, by=coordinator)
    client = signed_in(colleague)

    assert client.get(assigned_page(held)).status_code == 404
    response = client.get(routed_page(held))
    assert response.status_code == 200 and "Germaine Petit" in response.content.decode()
    assert AccessLog.objects.get(user=colleague).reason == AccessReason.ASSOCIATION_ROUTED


@pytest.mark.parametrize(
    "who",
    ["another volunteer of its missions", "a volunteer of another organisation", "a pending applicant", "a stranger"],
)
def test_a_volunteer_who_is_not_the_person_sees_nothing(organisation, coordinator, volunteer, held, who):
    assign(held, volunteer, by=coordinator)
    other = {
        "another volunteer of its missions": lambda: volunteer_of(organisation, first_name="Autre"),
        "a volunteer of another organisation": lambda: volunteer_of(AssociationFactory()),
        "a pending applicant": lambda: volunteer_of(organisation, status=ApplicationStatus.PENDING),
        "a stranger": UserFactory,
    }[who]()
    client = signed_in(other)

    for response in (
        client.get(assigned_page(held)),
        client.post(reverse("associations:assigned_done", args=[held.reference])),
        client.post(reverse("associations:assigned_unable", args=[held.reference])),
        client.get(routed_page(held)),
    ):
        assert response.status_code == 404
        assert "Germaine Petit" not in response.content.decode()
    held.refresh_from_db()
    assert held.status == Status.ROUTED and OrganisationAssignment.objects.live().get().assignee == volunteer
    assert not AccessLog.objects.filter(user=other).exists()


def test_a_visitor_without_an_account_is_sent_to_sign_in(organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator)
    response = Client().get(assigned_page(held))
    assert response.status_code == 302 and "/comptes/login/" in response.url


def test_the_person_sees_nothing_once_no_longer_one_of_the_organisation_s_people(
    client, organisation, coordinator, volunteer, held
):
    assign(held, volunteer, by=coordinator)
    volunteer.applications.update(status=ApplicationStatus.WITHDRAWN)

    assert signed_in(volunteer).get(assigned_page(held)).status_code == 404
    assert not signed_in(volunteer).get(reverse("associations:assigned_list")).context["assignments"]
    page = client.get(routed_page(held)).content.decode()
    assert "Paul Bénévole ne fait plus partie de vos membres ni de vos bénévoles acceptés" in page


def test_the_members_are_not_told_a_suspended_volunteer_left_them(client, organisation, coordinator, held):
    """Still accepted on the mission, but suspended by the département: the warning must not say she left."""
    profile = VolunteerProfileFactory(user__first_name="Paul", user__last_name="Suspendu")
    ApplicationFactory(mission=MissionFactory(association=organisation), volunteer=profile.user, status="accepted")
    assign(held, profile.user, by=coordinator)
    profile.status = "suspended"
    profile.save()

    assert signed_in(profile.user).get(assigned_page(held)).status_code == 404
    page = client.get(routed_page(held)).content.decode()
    assert (
        "Paul Suspendu ne fait plus partie de vos membres ni de vos bénévoles acceptés, ou son compte a été " in page
    )
    assert "suspendu ou fermé : la demande ne lui est plus accessible." in page


def test_the_person_sees_nothing_once_the_organisation_is_suspended(organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator)
    organisation.suspend("Contrôle en cours")
    assert signed_in(volunteer).get(assigned_page(held)).status_code == 404


# --- "C'est fait", "Je ne peux pas", and the request leaving the organisation ------------------------------------


def test_done_by_the_person_closes_the_request_as_the_organisation_s_button_does(
    organisation, coordinator, colleague, volunteer, held
):
    assign(held, volunteer, by=coordinator)
    client = signed_in(volunteer)

    response = client.post(reverse("associations:assigned_done", args=[held.reference]))

    assert response.status_code == 302 and response.url == reverse("associations:assigned_list")
    held.refresh_from_db()
    assert held.status == Status.DONE and held.routed_to == organisation
    change = held.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == (Status.ROUTED, Status.DONE, volunteer)
    assert change.note == "Aide apportée par Paul Bénévole, à qui Épicerie solidaire de Vandœuvre l'avait confiée."
    assignment = OrganisationAssignment.objects.get()
    assert (assignment.is_live, assignment.ended_reason) == (False, AssignmentEnd.DONE)
    # What completion does: the requester is told (and asked by SMS whether help arrived, when SMS is her channel).
    assert (Channel.EMAIL, "julien.petit@exemple.fr") in sent_to(Event.REQUEST_DONE)
    # The organisation's members are told, not the person who did it.
    assert sent_to(Event.ORGANISATION_DONE) == sorted(
        [(Channel.EMAIL, coordinator.email), (Channel.EMAIL, colleague.email)]
    )
    assert not rows(Event.ORGANISATION_UNASSIGNED)
    assert "est terminée" in client.get(response.url).content.decode()
    assert client.get(assigned_page(held)).status_code == 404


def test_done_by_a_member_ends_the_assignment_and_tells_the_person(client, organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator)

    client.post(reverse("associations:routed_complete", args=[organisation.pk, held.reference]))

    held.refresh_from_db()
    assert held.status == Status.DONE
    assert OrganisationAssignment.objects.get().ended_reason == AssignmentEnd.DONE
    (told,) = rows(Event.ORGANISATION_UNASSIGNED)
    assert told.recipient == volunteer.email and "est terminée" in told.body
    # "Prise en charge" is, on this portal, the step where someone takes a request on, not its end.
    assert "prise en charge" not in told.body and "l'a indiquée comme terminée" in told.body
    assert not rows(Event.ORGANISATION_DONE)
    assert signed_in(volunteer).get(assigned_page(held)).status_code == 404


def test_handing_it_back_ends_the_assignment_and_tells_the_person(client, organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator)

    client.post(
        reverse("associations:routed_hand_back", args=[organisation.pk, held.reference]), {"note": "Hors secteur."}
    )

    held.refresh_from_db()
    assert (held.status, held.routed_to) == (Status.TRIAGED, None)
    assert OrganisationAssignment.objects.get().ended_reason == AssignmentEnd.LEFT_ORGANISATION
    (told,) = rows(Event.ORGANISATION_UNASSIGNED)
    assert told.recipient == volunteer.email and "a rendu au département" in told.body
    assert signed_in(volunteer).get(assigned_page(held)).status_code == 404


def test_a_request_cancelled_by_staff_is_no_longer_the_person_s(organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator)
    held.cancel(note="La personne est hospitalisée.")
    assert OrganisationAssignment.objects.get().ended_reason == AssignmentEnd.LEFT_ORGANISATION
    assert signed_in(volunteer).get(assigned_page(held)).status_code == 404


def test_unable_ends_it_and_tells_the_other_members(client, organisation, coordinator, colleague, volunteer, held):
    assign(held, volunteer, by=coordinator)
    volunteer_client = signed_in(volunteer)

    response = volunteer_client.post(
        reverse("associations:assigned_unable", args=[held.reference]), {"note": "Je suis malade cette semaine."}
    )

    assert response.status_code == 302 and response.url == reverse("associations:assigned_list")
    assignment = OrganisationAssignment.objects.get()
    assert (assignment.is_live, assignment.ended_reason, assignment.ended_note) == (
        False,
        AssignmentEnd.UNABLE,
        "Je suis malade cette semaine.",
    )
    held.refresh_from_db()
    assert (held.status, held.routed_to) == (Status.ROUTED, organisation)  # still the organisation's to place
    assert sent_to(Event.ORGANISATION_UNABLE) == sorted(
        [(Channel.EMAIL, coordinator.email), (Channel.EMAIL, colleague.email)]
    )
    email = rows(Event.ORGANISATION_UNABLE)[0]
    assert email.subject == f"[Entraide 54] Paul Bénévole ne peut pas s'occuper de la demande {held.reference}"
    assert "malade" not in email.body  # what the person wrote stays on the page
    assert f"http://127.0.0.1:8000{routed_page(held)}" in email.body
    assert volunteer_client.get(assigned_page(held)).status_code == 404
    page = client.get(routed_page(held)).content.decode()
    assert "Personne pour l'instant." in page
    assert "ne peut pas s&#x27;en occuper" in page and "Je suis malade cette semaine." in page


def test_unable_with_a_note_too_long_is_refused_in_french_and_keeps_it(organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator)
    too_long = "Pas disponible. " * 40

    response = signed_in(volunteer).post(
        reverse("associations:assigned_unable", args=[held.reference]), {"note": too_long}
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "Assurez-vous que cette valeur comporte au plus 500 caractères" in content
    assert "Pas disponible. Pas disponible." in content
    assert OrganisationAssignment.objects.live().exists()


def test_done_twice_says_it_is_over_rather_than_failing(organisation, coordinator, volunteer, held):
    assignment = assign(held, volunteer, by=coordinator)
    routed_request_complete(help_request=held, by=volunteer)
    held.refresh_from_db()

    with pytest.raises(held.TransitionNotAllowed):
        routed_request_complete(help_request=held, by=coordinator)
    assignment.refresh_from_db()
    assert assignment.ended_reason == AssignmentEnd.DONE


def test_done_by_someone_the_request_was_just_taken_from_is_refused(
    organisation, coordinator, colleague, volunteer, held
):
    """Her page was read before a member passed the request to someone else: her "C'est fait", arriving after,
    must not close what is now another's (the check is made again under the request's lock)."""
    read_before = assign(held, volunteer, by=coordinator)
    assign(held, colleague, by=coordinator)

    with pytest.raises(AssignmentRefused, match="Cette demande ne vous est plus confiée."):
        routed_request_complete(help_request=held, by=volunteer, assignment=read_before)

    held.refresh_from_db()
    assert held.status == Status.ROUTED
    assert OrganisationAssignment.objects.live().get().assignee == colleague


# --- Where the person finds them ---------------------------------------------------------------------------------


def test_the_volunteer_s_space_lists_the_requests_passed_to_her(organisation, coordinator, held):
    profile = VolunteerProfileFactory()
    ApplicationFactory(mission=MissionFactory(association=organisation), volunteer=profile.user, status="accepted")
    assign(held, profile.user, by=coordinator)

    content = signed_in(profile.user).get(reverse("volunteers:dashboard")).content.decode()

    assert "Demandes confiées par une structure" in content
    assert f'href="{assigned_page(held)}"' in content


def test_a_volunteer_without_a_profile_lands_on_her_list(organisation, coordinator, volunteer, held):
    assign(held, volunteer, by=coordinator)
    response = signed_in(volunteer).get(reverse("core:my_space"))
    assert response.status_code == 302 and response.url == reverse("associations:assigned_list")


def test_a_member_finds_the_list_in_the_organisation_s_space(client, organisation, coordinator):
    content = client.get(reverse("associations:space", args=[organisation.pk])).content.decode()
    assert f'href="{reverse("associations:assigned_list")}"' in content


# --- Retention ---------------------------------------------------------------------------------------------------


def test_retention_erases_what_the_member_and_the_person_wrote(organisation, coordinator, volunteer, held, settings):
    assign(held, volunteer, by=coordinator, note="La clé est au 2e.")
    routed_request_complete(help_request=held, by=volunteer)
    OrganisationAssignment.objects.update(ended_note="Rien à signaler.")
    held.refresh_from_db()
    later = held.status_changed_at + timedelta(days=settings.RETENTION_DAYS + 1)

    closed_requests_anonymise(now=later)

    assignment = OrganisationAssignment.objects.get()
    assert (assignment.note, assignment.ended_note, assignment.assignee) == ("", "", volunteer)


# --- At the same instant -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_members_passing_the_request_at_the_same_instant_leave_one_live_assignment():
    organisation = AssociationFactory()
    members = [member_of(organisation, role=MemberRole.MEMBER) for _ in range(6)]
    help_request = routed_to(organisation)

    outcomes = run_at_once(
        *[lambda member=member, person=person: assign(help_request, person, by=member)
          for member, person in zip(members, reversed(members), strict=True)]
    )  # fmt: skip

    assert [outcome for outcome in outcomes if isinstance(outcome, Exception)] == []
    assert OrganisationAssignment.objects.live().count() == 1
    assert OrganisationAssignment.objects.filter(ended_reason=AssignmentEnd.REASSIGNED).count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_passing_it_while_the_person_finishes_it_leaves_nothing_live_on_a_closed_request():
    organisation = AssociationFactory()
    coordinator, first, second = (member_of(organisation, role=MemberRole.MEMBER) for _ in range(3))
    help_request = routed_to(organisation)
    assign(help_request, first, by=coordinator)

    outcomes = run_at_once(
        lambda: routed_request_complete(help_request=help_request, by=first),
        lambda: assign(help_request, second, by=coordinator),
    )

    help_request.refresh_from_db()
    assert help_request.status == Status.DONE
    assert not OrganisationAssignment.objects.live().exists()
    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert all(isinstance(refusal, AssignmentRefused) for refusal in refusals)  # passed too late: said so, in French
