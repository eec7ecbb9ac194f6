from django.urls import path

from notifications import views

app_name = "notifications"

# Under /sms/ (entraide/urls.py). TWILIO_STATUS_CALLBACK_URL's default and core/log_redaction.py name these paths.
urlpatterns = [
    path("accuses/twilio/", views.twilio_report, name="twilio_report"),
    path("accuses/ovh/<str:token>/", views.ovh_report, name="ovh_report"),
    # SMS received: Twilio pushes them; OVHcloud's are collected by a beat task (core/sms_providers/ovh.py says why).
    path("recus/twilio/", views.twilio_inbound, name="twilio_inbound"),
]
