from django.apps import AppConfig


class StrategySetupConfig(AppConfig):
    name = "strategy_setup"
    verbose_name = "Setting up a strategy"
