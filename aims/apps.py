from django.apps import AppConfig


class AimsConfig(AppConfig):
    name = "aims"
    verbose_name = "Strategies and progress"

    def ready(self) -> None:
        from aims import signals  # the receivers need the models, which exist only once apps are ready

        signals.connect()
