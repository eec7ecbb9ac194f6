from django.urls import path

from campaigns.views import campaign_pages, registers, sheets

app_name = "campaigns"

# Under /campagnes/ (entraide/urls.py).
urlpatterns = [
    path("registres/", registers.register_list, name="register_list"),
    path("registres/importer/", registers.register_upload, name="register_upload"),
    path("registres/importer/apercu/", registers.register_preview, name="register_preview"),
    path("registres/<int:pk>/", registers.register_detail, name="register_detail"),
]

# The calling side: campaigns, their call sheets (on screen, on paper, typed back) and the people nobody reached.
urlpatterns += [
    path("", campaign_pages.campaign_list, name="campaign_list"),
    path("nouvelle/", campaign_pages.campaign_new, name="campaign_new"),
    path("<int:pk>/", campaign_pages.campaign_detail, name="campaign"),
    path("<int:pk>/lancer/", campaign_pages.campaign_start_view, name="campaign_start"),
    path("<int:pk>/clore/", campaign_pages.campaign_close_view, name="campaign_close"),
    path("<int:pk>/repartir/", campaign_pages.campaign_split_view, name="campaign_split"),
    path("<int:pk>/imprimer/", campaign_pages.campaign_print, name="campaign_print"),
    path("a-joindre-autrement/", campaign_pages.follow_up, name="follow_up"),
    path("a-joindre-autrement/<int:entry_pk>/", campaign_pages.follow_up_record, name="follow_up_record"),
    path("mes-fiches/", sheets.my_sheets, name="my_sheets"),
    path("fiches/<int:pk>/", sheets.sheet_detail, name="sheet"),
    path("fiches/<int:pk>/appel/<int:entry_pk>/", sheets.call_record_view, name="call_record"),
    path("fiches/<int:pk>/imprimer/", sheets.sheet_print, name="sheet_print"),
    path("fiches/<int:pk>/saisie/", sheets.sheet_type_back, name="sheet_type_back"),
]
