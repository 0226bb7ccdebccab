from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared infrastructure every app may use: the domain error, the page cache and the task dispatch. It imports
    no other first-party app."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
