from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Ordres de mission")

    def ready(self):
        from orders import receivers  # noqa: F401  (revokes an order when its assignment ends)
