from django.urls import path

from campaigns.views import registers

app_name = "campaigns"

# Under /campagnes/ (entraide/urls.py).
urlpatterns = [
    path("registres/", registers.register_list, name="register_list"),
    path("registres/importer/", registers.register_upload, name="register_upload"),
    path("registres/importer/apercu/", registers.register_preview, name="register_preview"),
    path("registres/<int:pk>/", registers.register_detail, name="register_detail"),
]
