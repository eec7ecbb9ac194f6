"""Mounted at the site's root in entraide/urls.py: the volunteer's orders beside her space (/benevoles/…), and the
public check (/verifier/<code>/), the short link printed under the QR code."""

from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("benevoles/propositions/<int:pk>/ordre-de-mission/", views.proposal_order, name="proposal"),
    path("benevoles/propositions/<int:pk>/ordre-de-mission.pdf", views.proposal_order_pdf, name="proposal_pdf"),
    path("benevoles/candidatures/<int:pk>/ordre-de-mission/", views.application_order, name="application"),
    path("benevoles/candidatures/<int:pk>/ordre-de-mission.pdf", views.application_order_pdf, name="application_pdf"),
    path("verifier/<str:code>/", views.verify, name="verify"),
]
