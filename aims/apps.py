from django.apps import AppConfig


class AimsConfig(AppConfig):
    name = "aims"
    verbose_name = "Strategies and progress"

    def ready(self) -> None:
        # The writer and the receivers need the models, which exist only once apps are ready.
        from aims import data_versions, signals
        from core import freshness

        freshness.register_writer(data_versions.write)
        signals.connect()
