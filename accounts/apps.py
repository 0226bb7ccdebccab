from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from accounts import security_log, session_lifetime  # noqa: F401 - connect the sign-in signal receivers
