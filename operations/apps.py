from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the portal: backup and restore of every app's records and files. It sits above the other apps
    (it reads all of them) and nothing imports it."""

    name = "operations"
    verbose_name = "Operations"
