"""The volunteer's space (portal.views.volunteer): entraide/urls.py mounts these with volunteers.urls, under
/benevoles/ in the `volunteers` namespace (`volunteers:dashboard`, `volunteers:proposal`…)."""

from django.urls import path

from portal.views import pairings, volunteer

urlpatterns = [
    path("", volunteer.dashboard, name="dashboard"),
    path("historique/", volunteer.history, name="history"),
    path("propositions/<int:pk>/", volunteer.proposal_detail, name="proposal"),
    path("propositions/<int:pk>/accepter/", volunteer.proposal_accept_view, name="accept"),
    path("propositions/<int:pk>/decliner/", volunteer.proposal_decline_view, name="decline"),
    path("propositions/<int:pk>/terminer/", volunteer.proposal_complete_view, name="complete"),
    path("propositions/<int:pk>/rendre/", volunteer.proposal_hand_back_view, name="hand_back"),
    path("accompagnements/<int:pk>/", pairings.pairing_detail, name="pairing"),
    path("accompagnements/<int:pk>/pause/", pairings.pairing_pause_view, name="pairing_pause"),
    path("accompagnements/<int:pk>/fin/", pairings.pairing_end_view, name="pairing_end"),
    path("visites/<int:pk>/", pairings.visit_record_view, name="visit_record"),
    path("mes-donnees/", volunteer.export, name="export"),
    path("supprimer-mon-compte/", volunteer.delete_account, name="delete"),
]
