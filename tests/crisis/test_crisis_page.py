"""The crisis page (/crise/), its history, the urgent banner on every page, and the hotline staff set there."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import timezone, translation

from core import hotline
from core.models import Hotline
from crisis import banner
from crisis.enums import Section
from crisis.models import CrisisUpdate, HealthRules
from crisis.services import update_publish
from notifications.enums import Event
from tests.accounts.factories import AgentFactory
from tests.crisis.factories import CrisisUpdateFactory, HealthRulesFactory
from tests.notifications.messages import jeanne_s_request, rows

pytestmark = pytest.mark.django_db


def publish(commit, **fields) -> CrisisUpdate:
    """A new version published as staff do, its on-commit work (the cache) run."""
    with commit(execute=True):
        return update_publish(update=CrisisUpdate(**fields), by=AgentFactory())


def test_the_page_shows_each_section_s_last_version_the_rules_in_force_and_the_latest_date(
    client, django_capture_on_commit_callbacks
):
    publish(django_capture_on_commit_callbacks, section=Section.WHAT_CHANGED, text="Ancien texte", change="v1")
    latest = publish(
        django_capture_on_commit_callbacks, section=Section.WHAT_CHANGED, text="Les marchés rouvrent.", change="v2"
    )
    content = client.get(reverse("crisis:page")).content.decode()
    assert "Les marchés rouvrent." in content and "Ancien texte" not in content
    assert HealthRules.objects.current().text.splitlines()[0][:40] in content  # the rules themselves, not a copy
    with translation.override("fr"):
        shown = date(timezone.localtime(latest.published_at), r"l j F Y à H\hi")
    assert f"Mis à jour le {shown}." in content
    assert reverse("crisis:history") in content


def test_the_page_is_linked_from_the_home_page_and_every_footer(client):
    for path in (reverse("core:home"), reverse("core:legal_notice")):
        assert f'href="{reverse("crisis:page")}"' in client.get(path).content.decode()


def test_the_history_says_what_changed_when_newest_first_rules_included(client, django_capture_on_commit_callbacks):
    publish(django_capture_on_commit_callbacks, section=Section.OPENING_HOURS, text="9 h - 17 h", change="Horaires")
    publish(django_capture_on_commit_callbacks, section=Section.OPENING_HOURS, text="8 h - 18 h", change="Élargis")
    rules = HealthRulesFactory()
    content = client.get(reverse("crisis:history")).content.decode()
    assert content.index(f"Version {rules.version}") < content.index("Élargis") < content.index("— Horaires")
    assert "9 h - 17 h" in content and "8 h - 18 h" in content


def test_a_published_version_is_never_changed():
    update = CrisisUpdateFactory()
    with pytest.raises(ValueError):
        update_publish(update=update, by=None)


# --- The banner -----------------------------------------------------------------------------------------------


def test_an_urgent_update_shows_a_banner_on_every_page_until_staff_clear_it(
    client, django_capture_on_commit_callbacks
):
    update = publish(
        django_capture_on_commit_callbacks, section=Section.WHAT_CHANGED, text="…", change="Couvre-feu à 18 h",
        urgent=True,
    )  # fmt: skip
    for path in (reverse("core:home"), reverse("crisis:page"), reverse("requests:new")):
        assert "Couvre-feu à 18 h" in client.get(path).content.decode(), path

    with django_capture_on_commit_callbacks(execute=True):
        assert update.clear_banner(by=AgentFactory())
    assert "Couvre-feu à 18 h" not in client.get(reverse("core:home")).content.decode()
    assert "Couvre-feu à 18 h" in client.get(reverse("crisis:history")).content.decode()  # the history keeps it


def test_the_banner_ends_at_its_date_without_touching_the_cache(
    client, django_capture_on_commit_callbacks, time_machine
):
    until = timezone.now() + timedelta(hours=2)
    publish(
        django_capture_on_commit_callbacks, section=Section.WHAT_CHANGED, text="…", change="Alerte canicule",
        urgent=True, urgent_until=until,
    )  # fmt: skip
    assert "Alerte canicule" in client.get(reverse("core:home")).content.decode()
    time_machine.move_to(until + timedelta(minutes=1))
    assert "Alerte canicule" not in client.get(reverse("core:home")).content.decode()


def test_a_page_makes_no_query_for_the_banner_once_cached_urgent_or_not(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.get(reverse("core:home"))
    with django_assert_num_queries(0):
        client.get(reverse("core:home"))
    publish(django_capture_on_commit_callbacks, section=Section.WHAT_CHANGED, text="…", change="Urgent", urgent=True)
    with django_assert_num_queries(0):
        assert "Urgent" in client.get(reverse("core:home")).content.decode()


def test_a_reader_that_loaded_the_old_answer_cannot_put_it_back_over_a_new_one(django_capture_on_commit_callbacks):
    stale = banner._load()  # read from the database just before the change
    publish(django_capture_on_commit_callbacks, section=Section.WHAT_CHANGED, text="…", change="Neuf", urgent=True)
    cache.add(banner.CACHE_KEY, stale, banner.CACHE_SECONDS)  # what that reader then does
    assert banner.current().text == "Neuf"


def test_the_banner_and_the_hotline_work_with_redis_down(client, django_capture_on_commit_callbacks):
    """core.cache answers from the database cache when Redis is unreachable (tests/resilience covers the switch);
    here the cache answers nothing at all and pages still show the banner and the number, read from the database."""
    publish(django_capture_on_commit_callbacks, section=Section.WHAT_CHANGED, text="…", change="Urgent", urgent=True)
    with mock.patch.object(cache, "get", return_value=None), mock.patch.object(cache, "add", return_value=False):
        content = client.get(reverse("core:home")).content.decode()
    assert "Urgent" in content and "03 83 94 54 54" in content


# --- The hotline ----------------------------------------------------------------------------------------------


def test_the_hotline_staff_set_on_who_to_call_shows_on_every_page_and_message(
    client, django_capture_on_commit_callbacks
):
    assert hotline.number() == "03 83 94 54 54"  # the setting, until staff set one
    publish(
        django_capture_on_commit_callbacks, section=Section.WHO_TO_CALL, text="Appelez-nous.", change="Nouveau numéro",
        hotline_phone="03 83 00 00 00", hotline_hours="tous les jours de 8 h à 20 h",
    )  # fmt: skip
    for path in (reverse("core:home"), reverse("crisis:page"), reverse("core:privacy")):
        content = client.get(path).content.decode()
        assert 'href="tel:+33383000000">03 83 00 00 00</a>' in content, path
        assert "03 83 94 54 54" not in content, path
    assert "tous les jours de 8 h à 20 h" in client.get(reverse("core:home")).content.decode()

    # The messages read the same place: a request's acknowledgement gives the number to call.
    with django_capture_on_commit_callbacks(execute=True):
        jeanne_s_request()
    assert all("03 83 94 54 54" not in n.body for n in rows(Event.REQUEST_RECEIVED))

    # Emptied, the fields fall back to the settings again.
    publish(django_capture_on_commit_callbacks, section=Section.WHO_TO_CALL, text="…", change="Retour au numéro")
    assert (hotline.number(), hotline.opening_hours()) == ("03 83 94 54 54", "7 jours sur 7 de 9 h à 18 h")
    assert Hotline.objects.count() == 1


def test_a_wrong_number_is_refused_with_a_clear_message(staff, client):
    response = client.post(
        reverse("admin:crisis_crisisupdate_add"),
        {"section": Section.WHO_TO_CALL, "change": "Numéro", "text": "…", "hotline_phone": "12"},
    )
    assert response.status_code == 200
    assert "Ce numéro n&#x27;est pas valide" in response.content.decode()
    assert not CrisisUpdate.objects.filter(change="Numéro").exists()


def test_staff_publish_from_the_admin_prefilled_from_the_current_version(staff, client):
    current = CrisisUpdate.objects.filter(section=Section.USEFUL_NUMBERS).latest("pk")
    form = client.get(reverse("admin:crisis_crisisupdate_add") + "?section=useful_numbers").content.decode()
    assert "119 : enfance en danger" in form and current.text.splitlines()[0] in form
    response = client.post(
        reverse("admin:crisis_crisisupdate_add"),
        {"section": Section.USEFUL_NUMBERS, "change": "Ajout du 3114", "text": current.text + "\n3114 : prévention"},
    )
    assert response.status_code == 302
    assert CrisisUpdate.objects.filter(section=Section.USEFUL_NUMBERS).count() == 2
    # A past version opens read-only: no form to change it.
    page = client.get(reverse("admin:crisis_crisisupdate_change", args=[current.pk])).content.decode()
    assert 'name="text"' not in page


def test_staff_publish_new_rules_prefilled_from_those_in_force(staff, client):
    current = HealthRules.objects.current()
    form = client.get(reverse("admin:crisis_healthrules_add")).content.decode()
    assert current.summary in form
    client.post(
        reverse("admin:crisis_healthrules_add"),
        {"effective_on": timezone.localdate().isoformat(), "summary": "Masque FFP2", "text": current.text + " FFP2."},
    )
    assert HealthRules.objects.current().version == current.version + 1
    assert client.get(reverse("admin:crisis_healthrules_change", args=[current.pk])).status_code == 200


def test_a_database_outage_leaves_the_default_number_and_no_banner_rather_than_an_error(rf):
    from django.db import OperationalError

    cache.delete_many([hotline.CACHE_KEY, banner.CACHE_KEY])
    with (
        mock.patch("core.hotline._load", side_effect=OperationalError),
        mock.patch("crisis.banner._load", side_effect=OperationalError),
    ):
        assert hotline.number() == "03 83 94 54 54"
        assert banner.current() is None
