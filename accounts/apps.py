from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from accounts import security_log  # noqa: F401 - connects the sign-in signal receivers
