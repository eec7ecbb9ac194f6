from django.urls import path

from requests_app.views import handoff, intake, public

app_name = "requests"

urlpatterns = [
    path("demandes/nouvelle/", public.new_request, name="new"),
    path("demandes/suivi/<token:token>/", public.track, name="track"),
    path("demandes/suivi/<token:token>/annuler/", public.cancel, name="cancel"),
    # The tracking link in an SMS, 13 characters shorter: an SMS holds 160.
    path("s/<token:token>/", public.track_short, name="track_short"),
    path("accueil-telephonique/", intake.console, name="intake"),
    path("accueil-telephonique/historique/", intake.caller_history, name="intake_history"),
    # A responder outside the portal answers a hand-off here: the link it received is the only key.
    path("relais/<token:token>/", handoff.respond, name="handoff"),
]
