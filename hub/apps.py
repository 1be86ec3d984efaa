from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Church calendar"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.models import User
        from django.db.models.signals import pre_save

        from hub import (  # noqa: F401
            checks,  # registers the deployment checks
            middleware,  # registers the admin's CSRF check
        )
        from hub.identity import user_identity_normalize

        pre_save.connect(user_identity_normalize, sender=User, dispatch_uid="hub-identity")
