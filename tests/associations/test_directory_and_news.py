import html

import pytest
from django.urls import reverse

from associations.models import NewsItem
from core.enums import Domain, domains_to_mask
from core.models import Commune
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory, member_of

pytestmark = pytest.mark.django_db


def listed(client, **params) -> set[str]:
    return {association.name for association in client.get("/associations/", params).context["page"]}


def test_the_directory_lists_validated_organisations_by_domain_and_where_they_act(client):
    luneville = Commune.objects.get(insee="54329")
    AssociationFactory(name="Partout", domains=domains_to_mask([Domain.FOOD_EMERGENCY]))
    by_epci = AssociationFactory(
        name="Lunévillois", covers_whole_departement=False, domains=domains_to_mask([Domain.CHILDCARE])
    )
    by_epci.epcis_covered.add(luneville.epci_id)
    by_commune = AssociationFactory(name="Toulois", covers_whole_departement=False)
    by_commune.communes_covered.add("54528")
    AssociationFactory(name="En attente", pending=True)
    AssociationFactory(name="Suspendue", suspended=True)

    assert listed(client) == {"Partout", "Lunévillois", "Toulois"}
    assert listed(client, domain="childcare") == {"Lunévillois"}
    assert listed(client, domain="food_emergency") == {"Partout", "Toulois"}
    assert listed(client, commune="Lunéville") == {"Partout", "Lunévillois"}
    assert listed(client, commune="Toul") == {"Partout", "Toulois"}
    assert listed(client, q="toul") == {"Toulois"}


def test_the_public_page_of_a_pending_organisation_is_a_404(client):
    assert client.get(reverse("associations:public", args=[AssociationFactory(pending=True).pk])).status_code == 404


def test_members_share_news_that_other_organisations_read_by_domain(client):
    author_association, reader_association = AssociationFactory(), AssociationFactory()
    member_of(author_association, client)
    client.post(
        reverse("associations:news_create", args=[author_association.pk]),
        {"title": "Stock de masques", "body": "200 masques à donner", "domain": "local_solidarity"},
    )
    NewsItem.objects.create(association=author_association, title="Garde du week-end", body="...", domain="childcare")

    member_of(reader_association, client)
    content = client.get(reverse("associations:news")).content.decode()
    assert "Stock de masques" in content and "Garde du week-end" in content
    filtered = client.get(reverse("associations:news"), {"domaine": "childcare"}).content.decode()
    assert "Garde du week-end" in filtered and "Stock de masques" not in filtered


def test_news_are_for_validated_organisations_and_staff_only(client):
    NewsItem.objects.create(association=AssociationFactory(), title="Interne", body="...")
    client.force_login(UserFactory())
    assert client.get(reverse("associations:news")).status_code == 302
    member_of(AssociationFactory(pending=True), client)
    assert client.get(reverse("associations:news")).status_code == 302
    client.force_login(UserFactory(staff=True))
    assert "Interne" in client.get(reverse("associations:news")).content.decode()


def test_a_pending_organisation_cannot_post_news(client):
    association = AssociationFactory(pending=True)
    member_of(association, client)
    client.post(reverse("associations:news_create", args=[association.pk]), {"title": "x", "body": "y"})
    assert not NewsItem.objects.exists()


def test_news_from_a_suspended_organisation_disappear(client):
    NewsItem.objects.create(association=AssociationFactory(suspended=True), title="Retirée", body="...")
    member_of(AssociationFactory(), client)
    assert "Retirée" not in client.get(reverse("associations:news")).content.decode()


def test_the_news_form_offers_every_domain_in_french_words(client):
    association = AssociationFactory()
    member_of(association, client)
    content = html.unescape(client.get(reverse("associations:space", args=[association.pk])).content.decode())
    assert '<option value="" selected>Tous les domaines</option>' in content and "---------" not in content
