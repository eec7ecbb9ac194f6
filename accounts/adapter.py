from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def send_mail(self, template_prefix, email, context):
        # Emails are signed by the portal, not by the host name allauth would otherwise use.
        super().send_mail(template_prefix, email, {**context, "portal_name": settings.PORTAL_NAME})
