"""Realistic demo requests for `make run`, so that the triage queue looks like a real day of crisis."""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from associations.enums import ApplicationStatus
from associations.models import Application, Association, Membership
from core.enums import DayPeriod, Domain
from core.models import Commune, HelpType
from core.slots import next_slot_start, slots_from_days_and_periods
from notifications.enums import Channel, DeliveryStatus, Event, InboundKind
from notifications.models import InboundSms, Notification, SmsOptOut
from requests_app.enums import (
    CallbackOrigin,
    CallbackOutcome,
    CarerStatus,
    ContactChannel,
    RequesterRelation,
    Source,
    Urgency,
)
from requests_app.models import Callback, CallbackAttempt, HelpRequest
from requests_app.routing import routed_request_assign
from requests_app.services import help_request_create

FIRST_NAMES = "Marie Jean Monique Bernard Colette André Josiane Michel Yvette Gérard Sophie Karim Nadia Lucas".split()
LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Colin Vincent Henry".split()
)
NEEDS = {
    "shopping": ["Courses de la semaine : pain, lait, légumes, eau. Je ne peux plus porter.",
                 "Besoin de courses, ma fille est bloquée loin d'ici et je ne conduis plus."],
    "medicine": ["Ordonnance à retirer à la pharmacie du centre, je suis à l'isolement.",
                 "Retirer mes médicaments pour le cœur, la pharmacie a mon ordonnance."],
    "meal_delivery": ["Repas du midi en complément de l'aide à domicile qui ne passe plus le week-end."],
    "phone_call": ["Ma mère vit seule et ne voit plus personne depuis le confinement, un appel lui ferait du bien.",
                   "Je me sens seule, j'aimerais qu'on m'appelle de temps en temps."],
    "homework_help": ["Mon fils en CM2 a besoin d'aide en mathématiques, nous n'avons qu'un téléphone."],
    "childcare": ["Infirmière à l'hôpital, je cherche une garde pour mes deux enfants les jours de garde."],
    "food_parcel": ["Plus de revenus depuis la fermeture du restaurant, besoin d'un colis pour trois personnes."],
    "other": ["Mon chien doit être promené, je suis en fauteuil depuis une chute."],
}  # fmt: skip


def demo_requests_create(count: int, *, seed: int = 54) -> int:
    """Creates `count` requests unless the database already holds some; returns how many were created."""
    if HelpRequest.objects.exists():
        return 0
    rng = random.Random(seed)
    communes = list(
        Commune.objects.in_departement(settings.TERRITORY).filter(population__isnull=False).order_by("insee")
    )
    weights = [c.population for c in communes]
    help_types = {h.code: h for h in HelpType.objects.active()}
    now = timezone.now()
    for index in range(count):
        code = rng.choice(list(NEEDS))
        relation = rng.choice([RequesterRelation.SELF] * 3 + [RequesterRelation.RELATIVE, RequesterRelation.NEIGHBOUR])
        beneficiary = (
            "" if relation == RequesterRelation.SELF else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        )
        requester = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        # 06 00 00 xx xx: an unallocated mobile block, so that no real person is ever texted by demo data.
        phone = f"+33600000{rng.randrange(0, 1000):03d}"
        help_request = HelpRequest(
            source=rng.choice([Source.WEB, Source.WEB, Source.PHONE]),
            requester_relation=relation,
            requester_name=requester,
            requester_phone=phone,
            requester_email=f"demandeur{index}@exemple.fr" if rng.random() < 0.4 else "",
            beneficiary_name=beneficiary,
            preferred_channel=ContactChannel.SMS,
            commune=rng.choices(communes, weights=weights)[0],
            help_type=help_types[code],
            domain=help_types[code].domain,
            description=rng.choice(NEEDS[code]),
            urgency=rng.choice([Urgency.URGENT, Urgency.NORMAL, Urgency.NORMAL, Urgency.FLEXIBLE]),
            lives_alone=rng.random() < 0.5,
            aged_70_plus=rng.random() < 0.4,
            has_disability=rng.random() < 0.1,
            no_internet=rng.random() < 0.3,
            created_at=now - timedelta(minutes=rng.randrange(10, 60 * 24 * 10)),
        )
        if help_request.domain == Domain.CHILDCARE:
            # By the index, not the generator: the rest of the demo stays the same draw after draw.
            help_request.carer_status = CarerStatus.CHILD_WELFARE if index % 3 == 0 else CarerStatus.CARER
        help_request_create(help_request=help_request)
        if help_request.domain == Domain.CHILDCARE and index % 2 == 0:
            help_request.confirm_carer(by=None)  # staff checked half of them; the queue shows the others waiting
        if rng.random() < 0.4:
            help_request.triage(note="Appel de vérification fait.")
            partners = list(
                Association.objects.validated()
                .covering(help_request.commune)
                .with_domain(help_request.domain)
                .order_by("pk")
            )
            if partners and rng.random() < 0.4:
                help_request.route_to(rng.choice(partners), note="Partenaire le plus proche.")
        elif rng.random() < 0.05:
            help_request.cancel(note="Le voisin s'en est occupé.")
    demo_callbacks_create(seed=seed)
    demo_inbound_sms_create(seed=seed)
    return count


def demo_callbacks_create(*, seed: int) -> None:
    """Calls owed on a dozen open requests, a few of them late and tried already: the "Rappels" list of a busy day.
    Drawn apart from the requests, so that these stay the same with or without callbacks."""
    rng = random.Random(seed + 1)
    now = timezone.now()
    open_requests = list(HelpRequest.objects.open().order_by("pk"))
    for help_request in rng.sample(open_requests, k=min(12, len(open_requests))):
        citizen = help_request.source == Source.WEB
        if citizen:
            help_request.preferred_channel = ContactChannel.PHONE
            help_request.save(update_fields=["preferred_channel"])
        slots = slots_from_days_and_periods([], [rng.choice(DayPeriod.values)]) if citizen else 0
        late = rng.random() < 0.4
        callback = Callback.objects.create(
            help_request=help_request,
            origin=CallbackOrigin.CITIZEN if citizen else CallbackOrigin.AGENT,
            preferred_slots=slots,
            due_at=now - timedelta(minutes=rng.randrange(5, 150, 5))
            if late
            else next_slot_start(slots, now + timedelta(minutes=rng.randrange(20, 600, 5))),
            created_at=help_request.created_at,
        )
        for tries in range(rng.choice([0, 0, 1, 2])):
            CallbackAttempt.objects.create(
                callback=callback,
                outcome=rng.choice([CallbackOutcome.NO_ANSWER, CallbackOutcome.VOICEMAIL]),
                at=callback.due_at - timedelta(hours=2 * (tries + 1)),
            )


# What people text back on a busy day: the inbox's "SMS reçus", each after the SMS it answers.
DEMO_TEXTS = [
    ("Bonjour, la personne n'est pas venue ce matin, ma mère attend toujours ses courses. Merci de rappeler.", True),
    ("C'est pour quand ? Je n'ai plus de pain.", False),
    ("Merci beaucoup, très gentil", False),
    ("Ma voisine est hospitalisée, vous pouvez annuler sa demande", True),
]


def demo_inbound_sms_create(*, seed: int) -> None:
    """SMS received from requesters who chose SMS, after the SMS the portal sent them: three wait for an agent, one
    is tied to no request (its number only). One number answered STOP."""
    rng = random.Random(seed + 2)
    now = timezone.now()
    texted = list(HelpRequest.objects.open().filter(preferred_channel=ContactChannel.SMS).order_by("pk")[:6])
    for index, (help_request, (body, tied)) in enumerate(zip(texted, DEMO_TEXTS, strict=False)):
        sent_at = now - timedelta(hours=rng.randrange(3, 48))
        Notification.objects.create(
            event=Event.REQUEST_RECEIVED,
            channel=Channel.SMS,
            recipient=help_request.requester_phone.as_e164,
            body=f"{settings.PORTAL_NAME} : demande {help_request.reference} enregistrée. Gardez cette référence.",
            help_request=help_request,
            status=DeliveryStatus.DELIVERED,
            created_at=sent_at,
            sent_at=sent_at,
        )
        InboundSms.objects.create(
            provider="demo",
            provider_message_id=f"demo-{index}",
            sender=help_request.requester_phone.as_e164,
            body=body,
            received_at=sent_at + timedelta(minutes=rng.randrange(5, 120)),
            help_request=help_request if tied else None,
            needs_staff=index != 2,
            outcome="Transmis aux agents : message à lire." if index != 2 else "Remerciement, rien à faire.",
        )
    if len(texted) > len(DEMO_TEXTS):
        stopped = texted[len(DEMO_TEXTS)].requester_phone.as_e164
        stop = InboundSms.objects.create(
            provider="demo", provider_message_id="demo-stop", sender=stopped, body="STOP", kind=InboundKind.STOP,
            received_at=now - timedelta(days=2), outcome="Plus aucun SMS vers ce numéro.",
        )  # fmt: skip
        SmsOptOut.objects.create(number=stopped, inbound=stop, created_at=stop.received_at)


def demo_organisation_assignment_create(*, volunteer, member) -> None:
    """The demo volunteer, accepted on one of the demo member's organisation's missions, was passed one of the
    requests routed to it: the pages of a request an organisation passes to one of its people, on both sides."""
    membership = Membership.objects.select_related("association").filter(user=member).first()
    association = membership.association if membership else None
    mission = association.missions.order_by("-pk").first() if association else None
    help_request = association.routed_requests.held().order_by("-pk").first() if association else None
    if mission is None or help_request is None:
        return
    Application.objects.get_or_create(
        mission=mission,
        volunteer=volunteer,
        defaults={"status": ApplicationStatus.ACCEPTED, "decided_at": timezone.now(), "decided_by": member},
    )
    routed_request_assign(
        help_request=help_request,
        membership=membership,
        assignee=volunteer,
        by=member,
        note="Elle préfère être appelée le matin ; sa voisine du 2e a un double des clés.",
    )
