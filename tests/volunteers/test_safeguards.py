"""Who may be proposed what: vetting, minimum age and the protective rule, as a filter and as a reason in words, from
the same definitions (volunteers.models.safeguards_q and VolunteerProfile.safeguard_refusals)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.enums import Vetting
from core.models import HelpType
from tests.accounts.factories import UserFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db

THIS_YEAR = 2026


def help_type(code="test-aide", *, remote_ok=False, vetting=Vetting.NONE, minimum_age=None):
    return HelpType.objects.create(
        code=code, name="Aide test", domain="local_solidarity", remote_ok=remote_ok, vetting=vetting,
        minimum_age=minimum_age,
    )  # fmt: skip


def allowed(profile, kind) -> bool:
    """The filter and the reasons agree, and say whether she may."""
    by_filter = VolunteerProfile.objects.may_take(kind).filter(pk=profile.pk).exists()
    by_reasons = not profile.safeguard_refusals(kind)
    assert by_filter is by_reasons
    return by_filter


@pytest.fixture(autouse=True)
def mid_june():
    with time_machine.travel(f"{THIS_YEAR}-06-15 10:00 +02:00", tick=False):
        yield


@pytest.mark.parametrize(
    ("identity", "document", "asked", "may"),
    [
        (None, None, Vetting.NONE, True),
        (None, None, Vetting.IDENTITY, False),
        (0, None, Vetting.IDENTITY, True),  # valid through today
        (-1, None, Vetting.IDENTITY, False),  # expired yesterday
        (None, 30, Vetting.IDENTITY, True),  # the checked document proves identity too
        (30, None, Vetting.DOCUMENT, False),
        (30, -1, Vetting.DOCUMENT, False),
        (None, 0, Vetting.DOCUMENT, True),
    ],
)
def test_the_vetting_level_is_held_while_the_checks_are_valid_today(identity, document, asked, may):
    today = timezone.localdate()
    profile = VolunteerProfileFactory(
        identity_checked_until=None if identity is None else today + timedelta(days=identity),
        document_checked_until=None if document is None else today + timedelta(days=document),
    )
    kind = help_type(vetting=asked, remote_ok=True)
    assert allowed(profile, kind) is may
    if not may:
        assert str(Vetting(asked).label) in profile.safeguard_refusals(kind)[0]


@pytest.mark.parametrize(
    ("birth_year", "may"),
    [(None, False), (THIS_YEAR - 21, True), (THIS_YEAR - 20, False), (THIS_YEAR - 40, True)],
)
def test_a_minimum_age_asks_a_birth_year_counting_the_age_reached_this_year(birth_year, may):
    profile = VolunteerProfileFactory(birth_year=birth_year)
    kind = help_type(remote_ok=True, minimum_age=21)
    assert allowed(profile, kind) is may
    if birth_year is None:
        assert "indiquez votre année de naissance" in profile.safeguard_refusals(kind)[0]


def test_a_minimum_age_of_eighteen_asks_nothing_more_than_the_adult_attestation():
    profile = VolunteerProfileFactory(birth_year=None)
    assert allowed(profile, help_type(minimum_age=18))


@pytest.mark.parametrize(
    ("birth_year", "health_risk", "protected"),
    [
        (None, False, False),
        (THIS_YEAR - 69, False, False),
        (THIS_YEAR - 70, False, True),  # turns 70 this year: protected from 1 January
        (THIS_YEAR - 85, False, True),
        (THIS_YEAR - 30, True, True),
        (None, True, True),
    ],
)
def test_the_protected_are_offered_remote_help_only(birth_year, health_risk, protected):
    profile = VolunteerProfileFactory(birth_year=birth_year, health_risk=health_risk)
    assert profile.is_protected() is protected
    assert allowed(profile, help_type("en-personne")) is not protected
    assert allowed(profile, help_type("a-distance", remote_ok=True))
    if protected:
        assert "seule l'aide à distance" in profile.safeguard_refusals(HelpType.objects.get(code="en-personne"))[0]


def test_staff_lifting_the_protection_allows_help_in_person_and_restoring_it_ends_that():
    profile = VolunteerProfileFactory(birth_year=THIS_YEAR - 74)
    in_person = help_type()
    profile.lift_protection(by=UserFactory(is_staff=True), reason="Demande de l'intéressée, avis médical favorable")
    profile.refresh_from_db()
    assert profile.protection_lifted_at is not None
    assert allowed(profile, in_person)
    profile.restore_protection()
    profile.refresh_from_db()
    assert (profile.protection_lifted_at, profile.protection_lift_reason) == (None, "")
    assert not allowed(profile, in_person)


def test_a_mission_done_at_a_distance_lifts_the_protective_rule_only():
    profile = VolunteerProfileFactory(birth_year=THIS_YEAR - 80)
    kind = help_type(vetting=Vetting.IDENTITY)
    reasons = profile.safeguard_refusals(kind, remote=True)
    assert len(reasons) == 1 and "identité vérifiée" in reasons[0]
    assert len(profile.safeguard_refusals(kind)) == 2
