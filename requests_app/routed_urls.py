"""The organisation-side pages of routed requests, under the organisation's space: entraide/urls.py mounts them
with associations.urls, in the `associations` namespace (`associations:routed`…)."""

from django.urls import path

from requests_app.views import routed

urlpatterns = [
    path("<int:pk>/demandes/<reference:reference>/", routed.routed_detail, name="routed"),
    path("<int:pk>/demandes/<reference:reference>/terminer/", routed.routed_complete, name="routed_complete"),
    path("<int:pk>/demandes/<reference:reference>/rendre/", routed.routed_hand_back, name="routed_hand_back"),
]
