import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from aims.models import RAG, Aim, Deliverable, Theme
from aims.rag import LABELS as RAG_LABELS
from aims.rag import RAG_TABLE
from reports.selectors import Row


class DeliverableFilter(django_filters.FilterSet):
    """Drill-down filters for the dashboard's deliverable table and its CSV export: the form, its choices and
    its validation. The rows are filtered by `filter_rows`, on figures already computed."""

    aim = django_filters.ModelChoiceFilter(
        field_name="theme__aims", queryset=Aim.objects.none(), label="Aim", empty_label="All"
    )
    theme = django_filters.ModelChoiceFilter(queryset=Theme.objects.none(), label="Theme", empty_label="All")
    owner = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.none(), label="Owner", empty_label="All")
    lead_service = django_filters.ChoiceFilter(label="Lead service", choices=[], empty_label="All")
    status = django_filters.ChoiceFilter(
        label="RAG status", choices=[(s.key, s.label) for s in RAG_TABLE], empty_label="All"
    )
    overdue = django_filters.BooleanFilter(label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput)

    def __init__(self, *args, strategy, as_at, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_at = as_at
        self.filters["aim"].queryset = strategy.aims.order_by("number")
        self.filters["aim"].label = strategy.aim_label
        self.filters["theme"].queryset = strategy.themes.order_by("number")
        self.filters["theme"].label = strategy.theme_label
        # A subquery rather than a join and DISTINCT over every user column: one row per owner, cheaply.
        self.filters["owner"].queryset = get_user_model().objects.filter(
            pk__in=strategy.deliverables.order_by().values("owner_id")
        )
        # order_by() first: Deliverable's default ordering would put its columns into the DISTINCT (one choice
        # per deliverable instead of per service).
        services = (
            strategy.deliverables.exclude(lead_service="").order_by().values_list("lead_service", flat=True).distinct()
        )
        self.filters["lead_service"].extra["choices"] = [(s, s) for s in sorted(services)]


def active_filter_description(filterset: DeliverableFilter) -> str:
    if not filterset.is_bound or not filterset.form.is_valid():
        return ""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", False):
            continue
        label = filterset.filters[name].label
        if name == "status":
            value = RAG_LABELS.get(value, value)
        parts.append(f"{label}: {'yes' if value is True else value}")
    return "; ".join(parts)


def filter_rows(rows: list[Row], filterset: DeliverableFilter) -> list[Row]:
    """Apply the filter form's choices to rows already computed by period_figures.

    The dashboard and the CSV filter the figures they already hold instead of querying again, so the table, the
    CSV and the summary come from one computation (and one expensive query).
    """
    if not filterset.is_bound or not filterset.form.is_valid():
        return rows
    data = filterset.form.cleaned_data
    if data.get("aim"):
        rows = [r for r in rows if any(a.pk == data["aim"].pk for a in r.aims)]
    if data.get("theme"):
        rows = [r for r in rows if r.deliverable.theme_id == data["theme"].pk]
    if data.get("owner"):
        rows = [r for r in rows if r.deliverable.owner_id == data["owner"].pk]
    if data.get("lead_service"):
        rows = [r for r in rows if r.deliverable.lead_service == data["lead_service"]]
    if data.get("status"):
        rows = [r for r in rows if r.status == data["status"]]
    if data.get("overdue"):
        rows = [r for r in rows if r.overdue]
    return rows


def filter_queryset(queryset: QuerySet[Deliverable], filterset: DeliverableFilter) -> QuerySet[Deliverable]:
    """The same choices as `filter_rows`, applied in SQL to `reports.selectors.deliverable_queryset` (whose
    `status` is the row's status), so the dashboard fetches only the page of the table it shows."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return queryset
    data = filterset.form.cleaned_data
    if data.get("aim"):
        queryset = queryset.filter(theme__aims=data["aim"])
    if data.get("theme"):
        queryset = queryset.filter(theme=data["theme"])
    if data.get("owner"):
        queryset = queryset.filter(owner=data["owner"])
    if data.get("lead_service"):
        queryset = queryset.filter(lead_service=data["lead_service"])
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("overdue"):
        queryset = queryset.filter(Q(due_date__lt=filterset.as_at) & ~Q(status=RAG.COMPLETE))
    return queryset
