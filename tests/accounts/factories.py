import factory
from allauth.account.models import EmailAddress

from accounts.models import User

PASSWORD = "un-mot-de-passe-solide"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Camille"
    last_name = "Martin"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        staff = factory.Trait(is_staff=True)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()
