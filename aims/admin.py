from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from aims.data_versions import people_on_deliverables, row_marks
from aims.models import (
    Aim,
    Deliverable,
    Evidence,
    Milestone,
    Organisation,
    ProgressUpdate,
    ReportingPeriod,
    Strategy,
    Theme,
)
from core.freshness import MarksAdmin
from principles.models import DeliverablePrinciple


class TreeMarks(MarksAdmin):
    """What a row of the tree means for the cached pages (aims/data_versions.py), and, when a change moved it to
    another strategy, that strategy too."""

    def saved_marks(self, obj, stored) -> dict:
        marks = row_marks(obj)
        moved_from = getattr(stored, "strategy_id", None)
        if moved_from not in (None, getattr(obj, "strategy_id", None)):
            marks["strategy_wide"] = [*marks.get("strategy_wide", []), moved_from]
        return marks

    def deleted_marks(self, obj) -> dict:
        return row_marks(obj, deleting=True)


@admin.register(Organisation)
class OrganisationAdmin(TreeMarks, admin.ModelAdmin):
    list_display = ["name", "email", "telephone"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    # Uploaded on "Council details" (aims/council_views.py), where the file is checked and encoded again.
    readonly_fields = ["logo"]


class AimInline(admin.TabularInline):
    model = Aim
    extra = 0


class PeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0
    fields = ["label", "start_date", "end_date", "deadline", "status"]


@admin.register(Strategy)
class StrategyAdmin(TreeMarks, SimpleHistoryAdmin):
    list_display = ["title", "organisation", "cadence", "status", "start_date", "end_date", "is_published"]
    list_filter = ["status", "cadence", "organisation", "is_published"]
    search_fields = ["title", "organisation__name"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AimInline, PeriodInline]
    fieldsets = [
        (None, {"fields": ["organisation", "title", "slug", "summary", "vision"]}),
        ("Dates and reporting", {"fields": ["start_date", "end_date", "cadence"]}),
        ("Adoption", {"fields": ["status", "adopted_on", "adopted_by", "is_published", "responsible_officer"]}),
        ("Words this council uses", {"fields": ["aim_label", "aim_label_plural", "theme_label", "theme_label_plural"]}),
    ]


@admin.register(Theme)
class ThemeAdmin(TreeMarks, SimpleHistoryAdmin):
    list_display = ["number", "title", "strategy"]
    list_filter = ["strategy"]
    search_fields = ["title", "vision"]
    ordering = ["strategy", "number"]
    filter_horizontal = ["aims"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class DeliverablePrincipleInline(admin.TabularInline):
    model = DeliverablePrinciple
    extra = 0
    autocomplete_fields = ["principle"]


@admin.register(Deliverable)
class DeliverableAdmin(TreeMarks, SimpleHistoryAdmin):
    list_display = ["reference", "title", "strategy", "theme", "owner", "lead_service", "due_date", "is_active"]
    list_filter = ["strategy", "theme", "lead_service", "is_active"]
    search_fields = ["reference", "title", "owner__username", "owner__last_name", "lead_service"]
    ordering = ["strategy", "reference"]
    autocomplete_fields = ["owner", "contributors", "theme"]
    inlines = [MilestoneInline, DeliverablePrincipleInline]
    list_select_related = ["strategy", "theme", "owner"]

    def saved_marks(self, obj, stored) -> dict:
        marks = super().saved_marks(obj, stored)
        if stored is not None:  # the previous owner, and the contributors before the form sets them
            marks["people"] = [stored.owner_id, *people_on_deliverables([obj.pk])]
        return marks


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(TreeMarks, admin.ModelAdmin):
    list_display = ["label", "strategy", "start_date", "end_date", "deadline", "status"]
    list_filter = ["strategy", "status"]
    search_fields = ["label", "strategy__title"]
    ordering = ["strategy", "start_date"]


class ReadOnlyAdminMixin:
    """Shown, never written: progress and evidence change only through the officer and board screens, where the
    workflow (draft, submitted, accepted, returned) and the file checks run. Superusers may still delete."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a POST to its "revert" page after checking only the view permission.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class EvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["kind", "title", "original_name", "url", "figure_value", "figure_unit", "note", "added_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdminMixin, TreeMarks, SimpleHistoryAdmin):
    list_display = ["deliverable", "period", "rag_status", "percent_complete", "state", "author", "updated_at"]
    list_filter = ["period__strategy", "state", "rag_status"]
    search_fields = ["deliverable__reference", "deliverable__title", "author__username"]
    list_select_related = ["deliverable", "period", "author"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, TreeMarks, SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "update", "added_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "original_name", "url", "note"]
