from django.urls import path

from associations.views import public

# entraide/urls.py adds portal.mission_urls (applying: it reads the volunteer's profile, which this app must not).
app_name = "missions"

urlpatterns = [
    path("missions/", public.mission_list, name="list"),
    path("missions/<int:pk>/", public.mission_detail, name="detail"),
    path("candidatures/<int:pk>/retirer/", public.application_withdraw_view, name="withdraw"),
]
