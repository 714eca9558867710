from pathlib import Path

from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "followup.front"
    label = "front"
    verbose_name = "Web app"

    def ready(self) -> None:
        from django.conf import settings

        # whitenoise serves from STATIC_ROOT too and warns when the folder is missing.
        if settings.STATIC_ROOT:
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
