from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms

from reports.models import ProgressReport

TEXT_FIELDS = ["executive_summary", "recommendations", "reasons", "other_options", "consultation"]
IMPLICATION_FIELDS = [name for name, _ in ProgressReport.IMPLICATIONS]


class ProgressReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = [
            "period", "committee", "meeting_date", "title", "report_of", "reference_number", "wards_affected",
            "agenda_item", "key_decision", "purpose", *TEXT_FIELDS, *IMPLICATION_FIELDS, "contact_name",
            "contact_email", "contact_telephone", "marking",
            "scope", "include_submitted",
        ]  # fmt: skip
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "scope": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            **{name: forms.Textarea(attrs={"rows": 5}) for name in TEXT_FIELDS},
            **{name: forms.Textarea(attrs={"rows": 2}) for name in IMPLICATION_FIELDS},
        }
        labels = {
            "period": "Reporting period",
            "include_submitted": "Include updates not yet reviewed",
            "agenda_item": "Agenda item number",
        }
        help_texts = {
            "executive_summary": "Drafted from the period's figures. Edit it as you need. Leave a blank line "
            "between paragraphs: each paragraph is numbered (1.1, 1.2 …).",
            "recommendations": "One paragraph per recommendation.",
            "meeting_date": "For example 8 December 2026.",
            "agenda_item": "As it appears on the committee's agenda, for example 7.",
            "purpose": "One or two sentences saying why the report comes to the committee.",
            "report_of": "Filled in from the strategy's responsible officer. For example, Director of Digital.",
        }
        error_messages = {
            "committee": {"required": "Enter the committee name"},
            "meeting_date": {"required": "Enter the date of the meeting", "invalid": "Enter a real date"},
            "title": {"required": "Enter the report title"},
            "report_of": {"required": "Enter who the report is of (officer and job title)"},
            "executive_summary": {"required": "Enter the executive summary"},
            "recommendations": {"required": "Enter the recommendations"},
            "reasons": {"required": "Enter the reasons for the recommendations"},
            "contact_name": {"required": "Enter the contact officer's name"},
            "contact_email": {"required": "Enter the contact officer's email", "invalid": "Enter a real email address"},
            "period": {"required": "Choose the reporting period"},
        }

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = strategy.periods.exclude(status="upcoming").order_by("-start_date")
        self.fields["period"].empty_label = None
        self.fields["scope"].choices = ProgressReport.Scope.choices
        self.fields["key_decision"] = forms.TypedChoiceField(
            label="Is this a key decision?",
            choices=[(True, "Yes"), (False, "No")],
            coerce=lambda value: value in (True, "True"),
            widget=forms.RadioSelect,
            initial=False,
            error_messages={"required": "Select yes if the report is a key decision"},
        )
        for name, label in ProgressReport.IMPLICATIONS:
            self.fields[name].label = label
            self.fields[name].help_text = "Leave blank for “There are no direct implications arising from this report.”"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field("period"),
                Field.text("committee", field_width=Fluid.TWO_THIRDS),
                Field.text("meeting_date", field_width=Fixed.TEN),
                Field.text("title"),
                Field.text("report_of", field_width=Fluid.TWO_THIRDS),
                Field.text("reference_number", field_width=Fixed.TEN),
                Field.text("wards_affected", field_width=Fluid.TWO_THIRDS),
                Field.text("agenda_item", field_width=Fixed.FIVE),
                Field.radios("key_decision", legend_size=Size.SMALL, inline=True),
                Field.textarea("purpose"),
                Field.text("marking", field_width=Fixed.TEN),
                legend="Header",
                legend_size=Size.MEDIUM,
            ),  # fmt: skip
            Fieldset(*[Field.textarea(name) for name in TEXT_FIELDS], legend="Sections", legend_size=Size.MEDIUM),
            Fieldset(
                *[Field.textarea(name) for name in IMPLICATION_FIELDS], legend="Implications", legend_size=Size.MEDIUM
            ),
            Fieldset(
                Field.text("contact_name", field_width=Fluid.TWO_THIRDS),
                Field.text("contact_email", field_width=Fluid.TWO_THIRDS),
                Field.text("contact_telephone", field_width=Fixed.TWENTY),
                legend="Access to information: contact officer",
                legend_size=Size.MEDIUM,
            ),  # fmt: skip
            Field.radios("scope", legend_size=Size.MEDIUM),
            Field("include_submitted"),
        )
