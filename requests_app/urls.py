from django.urls import path

from requests_app.views import advances, handoff, intake, public

app_name = "requests"

urlpatterns = [
    path("demandes/nouvelle/", public.new_request, name="new"),
    path("demandes/suivi/<token:token>/", public.track, name="track"),
    path("demandes/suivi/<token:token>/annuler/", public.cancel, name="cancel"),
    # The tracking link in an SMS, 13 characters shorter: an SMS holds 160.
    path("s/<token:token>/", public.track_short, name="track_short"),
    path("accueil-telephonique/", intake.console, name="intake"),
    path("accueil-telephonique/historique/", intake.caller_history, name="intake_history"),
    # Shopping advances, for staff: the list to repay, each advance's page, its steps and its receipt.
    path("avances/", advances.advance_list, name="advances"),
    path("avances/<int:pk>/", advances.advance_detail, name="advance"),
    path("avances/<int:pk>/ticket/", advances.advance_receipt, name="advance_receipt"),
    path("avances/<int:pk>/<slug:step>/", advances.advance_step, name="advance_step"),
    # A responder outside the portal answers a hand-off here: the link it received is the only key.
    path("relais/<token:token>/", handoff.respond, name="handoff"),
]
