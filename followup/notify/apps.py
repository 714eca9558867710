from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "followup.notify"
    label = "notify"
    verbose_name = "Reminders"
