from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Fasthub"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hub import (  # noqa: F401
            checks,  # registers the deployment checks
            signals,  # connects the model-change hooks
        )
