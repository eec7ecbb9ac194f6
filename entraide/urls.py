from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("", include("requests_app.urls")),
    path("associations/", include("associations.urls")),
    path("benevoles/", include("volunteers.urls")),
    path("pilotage/", include("pilotage.urls")),
    path("", include("associations.mission_urls")),
]
