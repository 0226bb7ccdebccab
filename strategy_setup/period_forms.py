"""Form of the Reporting periods setup pages: a period's label and update deadline."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from aims.models import ReportingPeriod
from aims.periods import deadline_problem
from strategy_setup.dates import GovukDateField


class PeriodForm(forms.Form):
    label = forms.CharField(
        label="Label",
        max_length=100,
        help_text="How the period is named on pages and reports, for example “April to September 2026”.",
        error_messages={
            "required": "Enter the period's label",
            "max_length": "The label must be 100 characters or fewer",
        },
    )
    deadline = GovukDateField(label="Update deadline", what="update deadline", required=True)

    def __init__(self, *args, period: ReportingPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.fields["deadline"].help_text = (
            "The day officers' updates are due. It can be up to 3 months after the period ends, for example "
            f"{period.end_date.day} {period.end_date.month} {period.end_date.year}."
        )
        helper = FormHelper()
        helper.form_tag = False
        helper.label_size = Size.SMALL
        helper.legend_size = Size.SMALL
        helper.layout = Layout(Field.text("label", field_width=Fluid.TWO_THIRDS), Field("deadline"))
        self.helper = helper

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if not label:
            raise forms.ValidationError("Enter the period's label")
        return label

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        problem = deadline_problem(period=self.period, deadline=deadline)
        if problem:
            raise forms.ValidationError(problem)
        return deadline
