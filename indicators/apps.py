from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Performance indicators"

    def ready(self) -> None:
        # Imported here because the review section reads models, which are not loaded before ready(); it joins
        # "Updates to review" (aims, below this app) through core.review_sections rather than an upward import.
        from core import review_sections
        from indicators.review import review_section

        review_sections.register(review_section)
