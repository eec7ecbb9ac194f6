from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("sante/", views.health, name="health"),
    path("sante/complet/", views.health_full, name="health_full"),
    path("communes/recherche/", views.commune_search, name="commune_search"),
    path("marque.css", views.brand_css, name="brand_css"),
]
