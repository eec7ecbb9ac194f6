from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied

from core.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def send_mail(self, template_prefix, email, context):
        # Emails are signed by the portal, not by the host name allauth would otherwise use.
        super().send_mail(template_prefix, email, {**context, "portal_name": settings.PORTAL_NAME})

    def get_client_ip(self, request):
        # allauth's own reading trusts a count of proxies, not their addresses: the portal's rate limits, axes
        # and allauth must all count the same address, the one TRUSTED_PROXIES allows (core/client_ip.py).
        if not (ip := client_ip(request)):
            raise PermissionDenied("Unable to determine client IP address")  # as allauth does
        return ip
