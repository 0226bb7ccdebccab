from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from principles.models import Principle


@admin.register(Principle)
class PrincipleAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "strategy"]
    list_filter = ["strategy"]
    search_fields = ["title", "description"]
    ordering = ["strategy", "number"]
