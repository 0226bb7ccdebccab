from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.freshness import MarksAdmin
from principles.models import Principle


@admin.register(Principle)
class PrincipleAdmin(MarksAdmin, SimpleHistoryAdmin):
    list_display = ["number", "title", "strategy"]
    list_filter = ["strategy"]
    search_fields = ["title", "description"]
    ordering = ["strategy", "number"]

    def saved_marks(self, obj, stored) -> dict:
        return {"strategy_wide": [obj.strategy_id, getattr(stored, "strategy_id", None)]}  # shown on every page

    def deleted_marks(self, obj) -> dict:
        return {"strategy_wide": [obj.strategy_id]}
