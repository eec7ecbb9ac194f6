"""Holding a request ("je m'en occupe"): two agents, one request, and each knows what the other is doing."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.enums import Status
from requests_app.models import HelpRequest, HoldRefused
from tests.accounts.factories import AgentFactory
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:requests_app_helprequest_changelist")


@pytest.fixture
def camille():
    return AgentFactory(first_name="Camille", last_name="Durand")


@pytest.fixture
def bertrand():
    return AgentFactory(first_name="Bertrand", last_name="Lefort")


def signed_in(agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


def page(help_request) -> str:
    return reverse("admin:requests_app_helprequest_change", args=[help_request.pk])


def hold_url(help_request) -> str:
    return reverse("admin:requests_app_helprequest_hold", args=[help_request.pk])


def messages_of(response) -> list[str]:
    """As read on the page: some carry a link, their text escaped."""
    return [html.unescape(str(message)) for message in response.context["messages"]]


def run_action(client, action, requests, **extra):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [r.pk for r in requests], "index": 0, **extra}, follow=True
    )


# The model


def test_a_hold_names_the_agent_until_it_expires(settings, camille):
    settings.HOLD_MINUTES = 30
    help_request = HelpRequestFactory()
    help_request.hold(by=camille)
    assert HelpRequest.objects.get(pk=help_request.pk).holder == camille
    assert list(HelpRequest.objects.held_by_agent(camille)) == [help_request]

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        again = HelpRequest.objects.get(pk=help_request.pk)
        assert again.holder is None  # free again, though nobody released it
        assert not again.held_by_another(AgentFactory())
        assert list(HelpRequest.objects.held_by_agent(camille)) == []


def test_another_agent_cannot_hold_it_unless_taking_over(camille, bertrand):
    help_request = HelpRequestFactory()
    help_request.hold(by=camille)

    with pytest.raises(HoldRefused, match="Camille Durand s'en occupe depuis"):
        HelpRequest.objects.get(pk=help_request.pk).hold(by=bertrand)
    assert HelpRequest.objects.get(pk=help_request.pk).holder == camille

    HelpRequest.objects.get(pk=help_request.pk).hold(by=bertrand, take_over=True)
    assert HelpRequest.objects.get(pk=help_request.pk).holder == bertrand


def test_an_expired_hold_can_be_taken_without_taking_over(settings, camille, bertrand):
    help_request = HelpRequestFactory()
    help_request.hold(by=camille)
    with time_machine.travel(timezone.now() + timedelta(minutes=settings.HOLD_MINUTES + 1)):
        HelpRequest.objects.get(pk=help_request.pk).hold(by=bertrand)
        assert HelpRequest.objects.get(pk=help_request.pk).holder == bertrand


def test_any_move_of_status_releases_the_hold(camille):
    help_request = HelpRequestFactory()
    help_request.hold(by=camille)
    HelpRequest.objects.get(pk=help_request.pk).triage(by=camille)
    help_request.refresh_from_db()
    assert (help_request.held_by, help_request.held_at, help_request.holder) == (None, None, None)


def test_a_closed_request_cannot_be_held(camille):
    help_request = HelpRequestFactory(done=True)
    with pytest.raises(HoldRefused, match="close"):
        help_request.hold(by=camille)


def test_only_the_holder_releases(camille, bertrand):
    help_request = HelpRequestFactory()
    help_request.hold(by=camille)
    assert not help_request.release(by=bertrand)
    assert help_request.release(by=camille)
    assert HelpRequest.objects.get(pk=help_request.pk).holder is None


# Two agents in the admin


def test_the_queue_shows_who_holds_each_request(camille, bertrand):
    mine, theirs, free = HelpRequestFactory.create_batch(3)
    mine.hold(by=camille)
    theirs.hold(by=bertrand)

    content = signed_in(camille).get(CHANGELIST).content.decode()

    assert ">Vous</strong>" in content
    assert "Bertrand L." in content and "Bertrand Lefort jusqu&#x27;à" in content
    assert "Camille D." not in content  # her own hold says "Vous"


def test_my_requests_lists_what_i_hold_now(settings, camille, bertrand):
    mine, theirs = HelpRequestFactory.create_batch(2)
    mine.hold(by=camille)
    theirs.hold(by=bertrand)
    client = signed_in(camille)

    listed = [r.reference for r in client.get(CHANGELIST, {"file": "mes-demandes"}).context["cl"].result_list]
    assert listed == [mine.reference]

    with time_machine.travel(timezone.now() + timedelta(minutes=settings.HOLD_MINUTES + 1)):
        assert list(client.get(CHANGELIST, {"file": "mes-demandes"}).context["cl"].result_list) == []


def test_the_request_page_says_who_holds_it_and_offers_to_take_over(camille, bertrand):
    help_request = HelpRequestFactory()
    help_request.hold(by=camille)

    content = signed_in(bertrand).get(page(help_request)).content.decode()

    assert "Camille Durand s'occupe de cette demande</strong>" in content
    assert 'value="take_over"' in content and "Prendre la main" in content
    assert f'action="{hold_url(help_request)}"' in content


def test_je_m_en_occupe_from_the_page_then_the_other_agent_sees_it(camille, bertrand):
    help_request = HelpRequestFactory()
    mine = signed_in(camille)

    response = mine.post(hold_url(help_request), {"intent": "hold"}, follow=True)

    assert any(f"{help_request.reference} : vous vous en occupez jusqu'à" in m for m in messages_of(response))
    assert "Vous vous occupez de cette demande" in response.content.decode()
    assert "Camille Durand" in signed_in(bertrand).get(page(help_request)).content.decode()


def test_a_second_agent_pressing_je_m_en_occupe_is_told_who_has_it_and_changes_nothing(camille, bertrand):
    help_request = HelpRequestFactory()
    help_request.hold(by=camille)

    response = signed_in(bertrand).post(hold_url(help_request), {"intent": "hold"}, follow=True)

    assert any("Camille Durand s'en occupe depuis" in m for m in messages_of(response))
    assert HelpRequest.objects.get(pk=help_request.pk).holder == camille


def test_taking_over_from_the_page_says_from_whom(camille, bertrand):
    help_request = HelpRequestFactory()
    help_request.hold(by=camille)

    response = signed_in(bertrand).post(hold_url(help_request), {"intent": "take_over"}, follow=True)

    assert any("vous avez pris la main (Camille Durand la tenait)" in m for m in messages_of(response))
    assert HelpRequest.objects.get(pk=help_request.pk).holder == bertrand


def test_an_action_on_a_request_another_agent_holds_is_refused_with_their_name(camille, bertrand):
    held, free = HelpRequestFactory.create_batch(2)
    held.hold(by=camille)

    response = run_action(signed_in(bertrand), "cancel", [held, free], confirmer="1")

    assert HelpRequest.objects.get(pk=held.pk).status == Status.NEW
    assert HelpRequest.objects.get(pk=free.pk).status == Status.CANCELLED
    said = messages_of(response)
    assert any(m.startswith(f"{held.reference} : Camille Durand s'en occupe depuis") for m in said)
    assert any(page(held) in m and "prendre la main" in m for m in said)
    assert f"{free.reference} : annulée." in said


def test_the_holder_acts_on_her_own_request_and_the_move_frees_it(camille):
    help_request = HelpRequestFactory()
    help_request.hold(by=camille)

    run_action(signed_in(camille), "cancel", [help_request], confirmer="1")

    help_request.refresh_from_db()
    assert (help_request.status, help_request.holder) == (Status.CANCELLED, None)


def test_proposing_from_the_page_of_a_request_another_agent_holds_is_refused(camille, bertrand):
    from tests.volunteers.factories import VolunteerProfileFactory

    help_request = HelpRequestFactory(triaged=True)
    help_request.hold(by=camille)
    volunteer = VolunteerProfileFactory()
    url = reverse("admin:requests_app_helprequest_propose", args=[help_request.pk, volunteer.pk])

    response = signed_in(bertrand).post(url, follow=True)

    assert not help_request.proposals.exists()
    assert any("Camille Durand s'en occupe" in m for m in messages_of(response))


def test_saving_the_page_of_a_request_another_agent_holds_is_kept_with_a_warning(camille, bertrand):
    help_request = HelpRequestFactory(volunteer_summary="Courses")
    help_request.hold(by=camille)
    client = signed_in(bertrand)
    response = client.get(page(help_request))
    data = {
        name: value
        for name, value in response.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        requester_phone=str(help_request.requester_phone), beneficiary_phone="", commune=help_request.commune_id
    )
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(key): value for key, value in management.initial.items()})
    data["volunteer_summary"] = "Courses le mardi"

    response = client.post(page(help_request), data, follow=True)

    assert HelpRequest.objects.get(pk=help_request.pk).volunteer_summary == "Courses le mardi"
    assert any(
        "Camille Durand s'occupe de cette demande" in m and "pensez à le lui dire" in m for m in messages_of(response)
    )


def test_the_hold_and_release_actions_report_each_request(camille, bertrand):
    free, theirs = HelpRequestFactory.create_batch(2)
    theirs.hold(by=bertrand)
    client = signed_in(camille)

    said = messages_of(run_action(client, "hold", [free, theirs]))
    assert any(m.startswith(f"{free.reference} : vous vous en occupez jusqu'à") for m in said)
    assert any(m.startswith(f"{theirs.reference} : Bertrand Lefort s'en occupe") for m in said)
    assert HelpRequest.objects.get(pk=free.pk).holder == camille

    said = messages_of(run_action(client, "release", [free]))
    assert said == [f"{free.reference} : libérée."]
    assert HelpRequest.objects.get(pk=free.pk).holder is None


def test_the_confirmation_page_says_which_requests_another_agent_holds(camille, bertrand):
    held, free = HelpRequestFactory.create_batch(2)
    held.hold(by=camille)

    content = html.unescape(run_action(signed_in(bertrand), "cancel", [held, free]).content.decode())

    assert "Camille Durand s'en occupe : elle sera laissée de côté" in content
    assert content.count("s'en occupe") == 1
