"""Demo organisations and missions across the territory, so that `make run` shows a living platform."""

import random
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from associations.enums import AssociationStatus, MissionStatus, OrganisationKind
from associations.models import Association, Mission, NewsItem
from associations.validators import luhn_ok
from core.enums import Domain, domains_to_mask
from core.models import Commune

FOOD, CHILD, CONTACT, LOCAL = Domain.FOOD_EMERGENCY, Domain.CHILDCARE, Domain.ISOLATED_CONTACT, Domain.LOCAL_SOLIDARITY
ASSO, COMMUNE, HOME_HELP = OrganisationKind.ASSOCIATION, OrganisationKind.COMMUNE, OrganisationKind.HOME_HELP

# {of_commune} reads "de Nancy", "d'Ajaccio", "du Tampon": the commune at that rank by population in the territory,
# so that the demo looks local wherever TERRITORY points (a territory with fewer communes wraps around).
ORGANISATIONS = [
    # name, kind, domains, commune's rank by population, whole territory
    ("Banque alimentaire du {territory}", ASSO, [FOOD], 0, True),
    ("Secours solidaire {of_commune}", ASSO, [FOOD, LOCAL], 2, False),
    ("Les Restos {of_commune}", ASSO, [FOOD], 4, False),
    ("CCAS {of_commune}", COMMUNE, [LOCAL, CONTACT], 0, False),
    ("Centre social {of_commune}", COMMUNE, [LOCAL, CONTACT], 3, False),
    ("Mairie {of_commune}", COMMUNE, [LOCAL], 7, False),
    ("ADMR {of_commune}", HOME_HELP, [LOCAL], 12, False),
    ("Aide à domicile {of_commune}", HOME_HELP, [LOCAL, CONTACT], 1, False),
    ("Maison des jeunes {of_commune}", ASSO, [CHILD, CONTACT], 16, False),
    ("Club ados {of_commune}", ASSO, [CHILD], 1, False),
    ("Service Enfance du département", OrganisationKind.DEPARTEMENT_SERVICE, [CHILD], 0, True),
    ("Voisins solidaires {of_commune}", ASSO, [LOCAL], 5, False),
    ("Croix solidaire {of_commune}", ASSO, [FOOD, CONTACT], 4, False),
    ("Petits frères {of_commune}", ASSO, [CONTACT], 3, False),
    ("Épicerie sociale {of_commune}", ASSO, [FOOD], 19, False),
    ("Lien d'aînés {of_commune}", ASSO, [CONTACT], 6, False),
    ("Entraide rurale {of_commune}", ASSO, [LOCAL], 20, False),
    ("Association Soutien scolaire {territory}", ASSO, [CONTACT, CHILD], 0, True),
    ("Crèche solidaire de l'hôpital", OrganisationKind.OTHER, [CHILD], 1, False),
    ("Collectif entraide {of_commune}", ASSO, [LOCAL, FOOD], 13, False),
    ("Association nouvelle {of_commune}", ASSO, [LOCAL], 14, False),
]  # fmt: skip
# The organisation the demo association member belongs to: the CCAS of the territory's largest commune.
MEMBER_ORGANISATION = 3

MISSIONS = {
    Domain.FOOD_EMERGENCY: [
        ("Préparation de colis alimentaires", "Tri des denrées et préparation des colis, gants et masques fournis."),
        (
            "Distribution alimentaire du samedi",
            "Accueil des familles et remise des colis, dans le respect des distances.",
        ),
    ],
    Domain.CHILDCARE: [
        ("Garde d'enfants de soignants", "Accueil d'enfants de 3 à 10 ans dont les parents travaillent à l'hôpital."),
    ],
    Domain.ISOLATED_CONTACT: [
        ("Appels de convivialité", "Appeler chaque semaine des personnes âgées isolées, depuis chez vous."),
        ("Soutien scolaire à distance", "Aider un collégien en visio ou au téléphone, deux fois par semaine."),
    ],
    Domain.LOCAL_SOLIDARITY: [
        ("Courses pour des aînés", "Faire les courses de personnes âgées de votre quartier, une fois par semaine."),
        ("Portage de repas", "Livrer des repas en complément de l'aide à domicile, véhicule apprécié."),
    ],
}


def of_commune(name: str) -> str:
    """French "de" before a commune's name: "de Nancy", "d'Ajaccio", "du Tampon", "des Abymes"."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[0] in "AEIOUYÀÂÉÈÊÎÔŒ":
        return f"d'{name}"
    return f"de {name}"


def territory_communes() -> list[Commune]:
    """The territory's communes, largest first."""
    return list(
        Commune.objects.in_departement(settings.TERRITORY).order_by(F("population").desc(nulls_last=True), "insee")
    )


def organisation_name(index: int, communes: list[Commune]) -> str:
    name, _kind, _domains, rank, _whole = ORGANISATIONS[index]
    return name.format(territory=settings.TERRITORY, of_commune=of_commune(communes[rank % len(communes)].name))


def demo_identifiers(index: int) -> tuple[str, str]:
    """A well-formed RNA and a SIRET whose Luhn key is right, both fictitious."""
    rna = f"W{settings.TERRITORY}{index:0{9 - len(settings.TERRITORY)}d}"
    base = f"9{index:012d}"
    siret = next(base + str(key) for key in range(10) if luhn_ok(base + str(key)))
    return rna, siret


def demo_member_organisation() -> Association:
    return Association.objects.get(name=organisation_name(MEMBER_ORGANISATION, territory_communes()))


def demo_associations_create(*, member=None) -> int:
    communes = territory_communes()
    if Association.objects.filter(name=organisation_name(0, communes)).exists():
        return 0
    rng = random.Random(54)
    today = timezone.localdate()
    for index, (_name, kind, domains, rank, whole) in enumerate(ORGANISATIONS):
        name = organisation_name(index, communes)
        rna, siret = demo_identifiers(index)
        commune = communes[rank % len(communes)]
        association = Association.objects.create(
            name=name,
            kind=kind,
            rna=rna if kind == OrganisationKind.ASSOCIATION else "",
            siret="" if kind == OrganisationKind.ASSOCIATION else siret,
            status=AssociationStatus.PENDING if index == len(ORGANISATIONS) - 1 else AssociationStatus.VALIDATED,
            commune=commune,
            domains=domains_to_mask(domains),
            covers_whole_departement=whole,
            description=f"{name} agit auprès des habitants depuis de nombreuses années.",
            contact_email=f"contact{index}@demo.entraide54.fr",
        )
        if not whole and commune.epci_id:  # a few islands belong to no EPCI
            association.epcis_covered.add(commune.epci_id)
        for domain in domains:
            for title, description in MISSIONS[domain]:
                remote = domain == Domain.ISOLATED_CONTACT
                Mission.objects.create(
                    association=association,
                    title=title,
                    description=description,
                    domain=domain,
                    commune=None if remote else commune,
                    is_remote=remote,
                    start_date=today - timedelta(days=rng.randrange(0, 10)),
                    end_date=None if rng.random() < 0.5 else today + timedelta(days=rng.randrange(7, 60)),
                    volunteers_needed=rng.randrange(1, 8),
                    status=MissionStatus.PUBLISHED,
                    published_at=timezone.now() - timedelta(hours=rng.randrange(1, 200)),
                )
        NewsItem.objects.create(
            association=association,
            title=f"{name} : point de la semaine",
            body="Nos horaires sont maintenus ; nous manquons de bénévoles le samedi matin.",
            domain=domains[0],
        )
    return len(ORGANISATIONS)
