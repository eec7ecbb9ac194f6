from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profil/", views.profile, name="profile"),
    path("charte/", views.charter, name="charter"),
    path("pause/", views.pause, name="pause"),
    path("propositions/<int:pk>/", views.proposal_detail, name="proposal"),
    path("propositions/<int:pk>/accepter/", views.proposal_accept_view, name="accept"),
    path("propositions/<int:pk>/decliner/", views.proposal_decline_view, name="decline"),
    path("propositions/<int:pk>/terminer/", views.proposal_complete_view, name="complete"),
    path("propositions/<int:pk>/rendre/", views.proposal_hand_back_view, name="hand_back"),
    path("mes-donnees/", views.export, name="export"),
    path("supprimer-mon-compte/", views.delete_account, name="delete"),
]
