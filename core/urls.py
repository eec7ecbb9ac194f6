from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("sante/", views.health, name="health"),
    path("sante/web/", views.health_web, name="health_web"),
    path("communes/recherche/", views.commune_search, name="commune_search"),
]
