import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.enums import Domain, domains_to_mask
from core.models import Commune
from matching.enums import ProposalStatus
from tests.matching.factories import ProposalFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.enums import VolunteerStatus
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:volunteers_volunteerprofile_changelist")


def listed(response) -> set[str]:
    return {profile.user.email for profile in response.context["cl"].result_list}


def test_staff_filter_volunteers_by_domain_place_reach_and_status(client, staff):
    toul = Commune.objects.get(insee="54528")
    childcare = VolunteerProfileFactory(domains=domains_to_mask([Domain.CHILDCARE]), user__email="garde@x.fr")
    in_toul = VolunteerProfileFactory(home_commune=toul, reach="commune", user__email="toul@x.fr",
                                      domains=domains_to_mask([Domain.FOOD_EMERGENCY]))  # fmt: skip
    suspended = VolunteerProfileFactory(status=VolunteerStatus.SUSPENDED, user__email="stop@x.fr",
                                        domains=domains_to_mask([Domain.FOOD_EMERGENCY]))  # fmt: skip

    assert listed(client.get(CHANGELIST, {"domaine": "childcare"})) == {childcare.user.email}
    assert listed(client.get(CHANGELIST, {"home_commune__epci__siren__exact": toul.epci_id})) == {in_toul.user.email}
    assert listed(client.get(CHANGELIST, {"reach__exact": "commune"})) == {in_toul.user.email}
    assert listed(client.get(CHANGELIST, {"status__exact": "suspended"})) == {suspended.user.email}


def test_each_volunteer_shows_load_and_completions_without_a_query_per_row(client, staff):
    counts = []
    for batch in (2, 12):
        for _ in range(batch):
            profile = VolunteerProfileFactory()
            ProposalFactory(volunteer=profile, status=ProposalStatus.ACCEPTED)
            ProposalFactory(volunteer=profile, status=ProposalStatus.DONE)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CHANGELIST)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    row = next(iter(response.context["cl"].result_list))
    assert (row._live, row._done) == (1, 1)


def test_staff_suspend_with_a_reason_and_reactivate(client, staff):
    profile = VolunteerProfileFactory()
    client.post(CHANGELIST, {"action": "suspend", "_selected_action": [profile.pk], "index": 0})
    assert VolunteerProfile.objects.get().status == VolunteerStatus.ACTIVE  # no reason, no suspension
    client.post(CHANGELIST, {"action": "suspend", "_selected_action": [profile.pk], "index": 0, "reason": "Plainte"})
    assert VolunteerProfile.objects.get().status == VolunteerStatus.SUSPENDED
    assert not VolunteerProfile.objects.ready().exists()
    client.post(CHANGELIST, {"action": "reactivate", "_selected_action": [profile.pk], "index": 0})
    assert VolunteerProfile.objects.ready().get() == profile


def test_staff_read_domains_and_availability_in_words(client, staff):
    profile = VolunteerProfileFactory(domains=domains_to_mask([Domain.CHILDCARE]), availability=1)
    content = client.get(reverse("admin:volunteers_volunteerprofile_change", args=[profile.pk])).content.decode()
    assert "Garde exceptionnelle d&#x27;enfants" in content or "Garde exceptionnelle d'enfants" in content
    assert "lundi matin" in content
    assert 'name="domains"' not in content and 'name="availability"' not in content


def change_form_data(response, **overrides) -> dict:
    """What the profile's admin page would send back unchanged, with `overrides`."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else (list(value) if isinstance(value, list | tuple) else value)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_lift_the_protective_rule_with_a_reason_then_restore_it(client, staff):
    profile = VolunteerProfileFactory(birth_year=1950)
    page = reverse("admin:volunteers_volunteerprofile_change", args=[profile.pk])
    response = client.get(page)
    shown = html.unescape(response.content.decode())
    assert "Protégée (70 ans ou plus) : seule l'aide à distance lui est proposée." in shown

    refused = client.post(page, change_form_data(response, allow_in_person="on"))
    assert refused.status_code == 200  # the form again, with the reason asked for
    assert "Indiquez pourquoi l'aide sur place est autorisée" in html.unescape(refused.content.decode())
    assert VolunteerProfile.objects.get().protection_lifted_at is None

    reason = "Souhaite faire les courses de sa voisine ; médecin d'accord"
    client.post(page, change_form_data(response, allow_in_person="on", protection_lift_reason=reason))
    profile.refresh_from_db()
    assert (profile.protection_lifted_by, profile.protection_lift_reason) == (staff, reason)
    assert "aide sur place autorisée le" in client.get(page).content.decode()

    client.post(CHANGELIST, {"action": "restore_protection", "_selected_action": [profile.pk], "index": 0})
    profile.refresh_from_db()
    assert (profile.protection_lifted_at, profile.protection_lifted_by, profile.protection_lift_reason) == (
        None, None, "",
    )  # fmt: skip
