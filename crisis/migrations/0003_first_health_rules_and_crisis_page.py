"""The first version of the health rules, and the first sections of the crisis page, so that a new portal opens
with rules to accept and a page to read. Staff publish the next versions in the admin."""

from django.db import migrations
from django.utils import timezone

RULES = """Vous ne venez pas si vous avez de la fièvre, de la toux, une perte du goût ou de l'odorat, ou si vous avez été en contact avec une personne malade : prévenez le département, qui trouvera quelqu'un d'autre.

Les gestes barrières, à chaque fois :
- portez un masque pendant toute l'aide, et demandez à la personne d'en porter un si elle en a ;
- gardez au moins un mètre de distance ; pour les courses, les repas et les visites, n'entrez pas chez la personne ;
- lavez-vous les mains avant et après, à l'eau et au savon ou avec du gel hydroalcoolique ;
- toussez ou éternuez dans votre coude, utilisez des mouchoirs à usage unique.

Pour les courses, les médicaments et les repas : déposez-les devant la porte, sonnez ou appelez, puis reculez. Ne prenez jamais la carte bancaire ni le code de la personne ; préférez le paiement sans contact ou un règlement convenu à l'avance.

Pour la garde d'enfants, où la distance ne peut pas être tenue : gardez toujours le même petit groupe d'enfants, lavez-vous les mains et faites-les laver aux enfants à l'arrivée, avant les repas et au départ ; aérez la pièce plusieurs fois par jour ; portez un masque (pas les enfants de moins de 11 ans) ; ne confiez les enfants à personne d'autre que les parents ou la personne qu'ils ont désignée ; si un enfant a de la fièvre ou tousse, isolez-le et prévenez ses parents et le département.

Gardez sur vous votre attestation de déplacement et votre ordre de mission.

Si la personne semble malade ou en danger, appelez le 15. Pour toute question, appelez l'accueil téléphonique du département."""

SUMMARY = "Masque, 1 m, mains lavées, pas de visite si fièvre ou toux"

WHO_TO_CALL = """Pour demander de l'aide, pour vous ou pour un proche, appelez l'accueil téléphonique du département : un agent prend votre demande et l'oriente vers la bonne personne.

Si une personne est en danger ou a des difficultés à respirer, appelez le 15 (SAMU)."""

USEFUL_NUMBERS = """15 : SAMU, urgence médicale
17 : police secours
18 : pompiers
112 : numéro d'urgence européen
114 : urgences pour les personnes sourdes ou malentendantes (SMS)
119 : enfance en danger
3919 : violences conjugales, écoute et orientation
0 800 130 000 : informations sur le coronavirus (appel gratuit)"""


def seed(apps, schema_editor):
    HealthRules = apps.get_model("crisis", "HealthRules")
    CrisisUpdate = apps.get_model("crisis", "CrisisUpdate")
    now = timezone.now()
    if not HealthRules.objects.exists():
        # Nobody has accepted anything yet: nothing to announce.
        HealthRules.objects.create(
            version=1, effective_on=timezone.localdate(), text=RULES, summary=SUMMARY, published_at=now,
            announced_at=now,
        )  # fmt: skip
    if not CrisisUpdate.objects.exists():
        for section, text in (("who_to_call", WHO_TO_CALL), ("useful_numbers", USEFUL_NUMBERS)):
            CrisisUpdate.objects.create(section=section, text=text, change="Première version", published_at=now)


class Migration(migrations.Migration):
    dependencies = [("crisis", "0002_crisis_updates_and_announcements")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
