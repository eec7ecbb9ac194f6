from django.urls import path

from associations.views import public

app_name = "missions"

urlpatterns = [
    path("missions/", public.mission_list, name="list"),
    path("missions/<int:pk>/", public.mission_detail, name="detail"),
    path("missions/<int:pk>/candidater/", public.mission_apply, name="apply"),
    path("candidatures/<int:pk>/retirer/", public.application_withdraw_view, name="withdraw"),
]
