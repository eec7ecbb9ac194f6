from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import staff_group_ensure
from associations.demo import demo_associations_create, demo_member_organisation, territory_communes
from associations.enums import MemberRole
from associations.models import Membership
from core.enums import DayPeriod, Domain, Vetting, Weekday, domains_to_mask
from core.slots import ALL_SLOTS
from matching.services import proposal_accept, proposal_create
from notifications import outbox
from pairings.models import Pairing
from requests_app.demo import demo_organisation_assignment_create, demo_requests_create
from requests_app.enums import Status
from requests_app.models import HelpRequest
from volunteers.enums import Reach
from volunteers.models import Skill, VolunteerProfile

DEMO_PASSWORD = "entraide-demo-54"
STAFF_EMAIL = "agent@demo.entraide54.fr"
ASSOCIATION_EMAIL = "association@demo.entraide54.fr"
VOLUNTEER_EMAIL = "benevole@demo.entraide54.fr"
DEMO_REQUESTS = 150


class Command(BaseCommand):
    help = "Crée les comptes et données de démonstration (idempotent ; refusé hors DEBUG)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Les données de démonstration ne se chargent qu'avec DEBUG=1 : leurs mots de passe sont publics."
            )
        communes = territory_communes()
        if not communes:
            raise CommandError(
                f"Aucune commune du territoire {settings.TERRITORY} : chargez d'abord le référentiel "
                "(python manage.py load_reference_data)."
            )
        largest = communes[0]

        with transaction.atomic(), outbox.muted():
            staff = self.demo_user(STAFF_EMAIL, "Claire", "Agent", is_staff=True)
            staff.groups.add(staff_group_ensure())

            member = self.demo_user(ASSOCIATION_EMAIL, "Karim", "Associatif")
            demo_associations_create()
            association = demo_member_organisation()
            Membership.objects.get_or_create(association=association, user=member, defaults={"role": MemberRole.ADMIN})

            volunteer = self.demo_user(VOLUNTEER_EMAIL, "Lucie", "Bénévole")
            profile = self.demo_volunteer_profile(volunteer, largest)
            created_requests = demo_requests_create(DEMO_REQUESTS)
            if created_requests:
                self.demo_proposal(profile, staff)
                self.demo_pairing(profile)
                demo_organisation_assignment_create(volunteer=volunteer, member=member)

        self.stdout.write(self.style.SUCCESS(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})"))
        for label, email in [
            ("agent du département (admin)", STAFF_EMAIL),
            ("membre d'association", ASSOCIATION_EMAIL),
            ("bénévole", VOLUNTEER_EMAIL),
        ]:
            self.stdout.write(f"  {label:<30} {email}")
        if created_requests:
            self.stdout.write(f"{created_requests} demandes d'aide de démonstration créées.")

    def demo_volunteer_profile(self, user: User, commune) -> VolunteerProfile:
        for name in ["Permis B", "Premiers secours", "Langue des signes", "Anglais", "Arabe", "Soutien scolaire"]:
            Skill.objects.get_or_create(name=name)
        profile, created = VolunteerProfile.objects.get_or_create(
            user=user,
            defaults={
                "home_commune": commune,
                "phone": "+33600000999",
                "reach": Reach.DEPARTEMENT,
                "domains": domains_to_mask(Domain.values),
                "availability": ALL_SLOTS,
                "has_vehicle": True,
                "is_adult": True,
                "no_symptoms": True,
                "charter_accepted_at": timezone.now(),
            },
        )
        if created:
            profile.skills.add(*Skill.objects.filter(name__in=["Permis B", "Premiers secours"]))
        return profile

    def demo_proposal(self, profile: VolunteerProfile, staff: User) -> None:
        """One request waiting for the demo volunteer's answer, as the matching or staff would offer it."""
        help_request = HelpRequest.objects.filter(
            status=Status.TRIAGED, commune__epci=profile.home_commune.epci, help_type__vetting=Vetting.NONE
        ).first()
        if help_request:
            proposal_create(
                help_request=help_request, volunteer=profile, by=staff, explanation="Proposée par un agent."
            )

    def demo_pairing(self, profile: VolunteerProfile) -> None:
        """A call every Thursday afternoon the demo volunteer took on, last week's call still to note."""
        help_request = (
            HelpRequest.objects.filter(
                status=Status.TRIAGED, commune__epci=profile.home_commune.epci, help_type__vetting=Vetting.NONE
            )
            .exclude(proposals__isnull=False)
            .first()
        )
        if help_request is None:
            return
        help_request.recurring_day, help_request.recurring_period = Weekday.THURSDAY, DayPeriod.AFTERNOON
        help_request.save(update_fields=["recurring_day", "recurring_period"])
        proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=profile))
        pairing = Pairing.objects.get(help_request=help_request)
        today = timezone.localdate()
        last_thursday = today - timedelta(days=(today.weekday() - Weekday.THURSDAY) % 7 or 7)
        pairing.visits.get_or_create(date=last_thursday, defaults={"volunteer": profile})

    def demo_user(self, email: str, first_name: str, last_name: str, *, is_staff: bool = False) -> User:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name, "is_staff": is_staff}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user
