from django.urls import path

from requests_app.views import intake, public

app_name = "requests"

urlpatterns = [
    path("demandes/nouvelle/", public.new_request, name="new"),
    path("demandes/suivi/<token:token>/", public.track, name="track"),
    path("demandes/suivi/<token:token>/annuler/", public.cancel, name="cancel"),
    path("accueil-telephonique/", intake.console, name="intake"),
]
