from django.conf import settings

from entraide.celery import app


def test_every_scheduled_job_names_a_task_the_worker_knows():
    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "matching.tasks.expire_proposals",
        "notifications.tasks.sweep_outbox",
        "notifications.tasks.collect_inbound_sms",
        "requests_app.tasks.alert_urgent_unassigned",
        "requests_app.tasks.alert_overdue_callbacks",
        "requests_app.tasks.send_daily_digests",
        "requests_app.tasks.apply_retention",
        "requests_app.tasks.reopen_unanswered_arrivals",
        "requests_app.tasks.alert_unanswered_hand_offs",
        "pairings.tasks.generate_visits",
        "pairings.tasks.sweep_visits",
        "campaigns.tasks.erase_expired_registers",
        "api.tasks.housekeeping",
        "volunteers.tasks.expire_vetting_documents",
        "matching.tasks.announce_health_rules_in_force",
    }
    assert tasks <= set(app.tasks)
