"""The admin application with Fasthub's site (INSTALLED_APPS names it instead of
``django.contrib.admin``). Kept apart from ``hub.apps``, which declares the hub app's config."""

from django.contrib.admin.apps import AdminConfig


class FasthubAdminConfig(AdminConfig):
    """``django.contrib.admin`` with a rate-limited login (``hub.admin_site``)."""

    default_site = "hub.admin_site.FasthubAdminSite"
