"""Demo organisations and missions across the département, so that `make run` shows a living platform."""

import random
from datetime import timedelta

from django.utils import timezone

from associations.enums import AssociationStatus, MissionStatus, OrganisationKind
from associations.models import Association, Mission, NewsItem
from associations.validators import luhn_ok
from core.enums import Domain, domains_to_mask
from core.models import Commune

FOOD, CHILD, CONTACT, LOCAL = Domain.FOOD_EMERGENCY, Domain.CHILDCARE, Domain.ISOLATED_CONTACT, Domain.LOCAL_SOLIDARITY
ASSO, COMMUNE, HOME_HELP = OrganisationKind.ASSOCIATION, OrganisationKind.COMMUNE, OrganisationKind.HOME_HELP

ORGANISATIONS = [
    # name, kind, domains, commune INSEE, whole département
    ("Banque alimentaire de Meurthe-et-Moselle", ASSO, [FOOD], "54395", True),
    ("Secours solidaire Lunévillois", ASSO, [FOOD, LOCAL], "54329", False),
    ("Les Restos du Pays-Haut", ASSO, [FOOD], "54323", False),
    ("CCAS de Nancy", COMMUNE, [LOCAL, CONTACT], "54395", False),
    ("CCAS de Toul", COMMUNE, [LOCAL, CONTACT], "54528", False),
    ("Mairie de Pont-à-Mousson", COMMUNE, [LOCAL], "54431", False),
    ("ADMR du Saintois", HOME_HELP, [LOCAL], "54498", False),
    ("Aide à domicile Grand Nancy", HOME_HELP, [LOCAL, CONTACT], "54547", False),
    ("Maison des jeunes de Briey", ASSO, [CHILD, CONTACT], "54099", False),
    ("Club ados Vandœuvre", ASSO, [CHILD], "54547", False),
    ("Service Enfance du département", OrganisationKind.DEPARTEMENT_SERVICE, [CHILD], "54395", True),
    ("Voisins solidaires de Laxou", ASSO, [LOCAL], "54304", False),
    ("Croix solidaire Longwy", ASSO, [FOOD, CONTACT], "54323", False),
    ("Petits frères du Toulois", ASSO, [CONTACT], "54528", False),
    ("Épicerie sociale de Baccarat", ASSO, [FOOD], "54039", False),
    ("Lien d'aînés Villers", ASSO, [CONTACT], "54578", False),
    ("Entraide Seille et Grand Couronné", ASSO, [LOCAL], "54258", False),
    ("Association Soutien scolaire 54", ASSO, [CONTACT, CHILD], "54395", True),
    ("Crèche solidaire du CHRU", OrganisationKind.OTHER, [CHILD], "54547", False),
    ("Collectif Jarville entraide", ASSO, [LOCAL, FOOD], "54274", False),
    ("Association nouvelle de Tomblaine", ASSO, [LOCAL], "54526", False),
]  # fmt: skip

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


def demo_identifiers(index: int) -> tuple[str, str]:
    """A well-formed RNA and a SIRET whose Luhn key is right, both fictitious."""
    rna = f"W54{index:07d}"
    base = f"9{index:012d}"
    siret = next(base + str(key) for key in range(10) if luhn_ok(base + str(key)))
    return rna, siret


def demo_associations_create(*, member=None) -> int:
    if Association.objects.filter(name=ORGANISATIONS[0][0]).exists():
        return 0
    rng = random.Random(54)
    communes = Commune.objects.in_bulk([row[3] for row in ORGANISATIONS])
    today = timezone.localdate()
    for index, (name, kind, domains, insee, whole) in enumerate(ORGANISATIONS):
        rna, siret = demo_identifiers(index)
        commune = communes[insee]
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
        if not whole:
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
