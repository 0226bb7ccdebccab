import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from aims import exempt
from core.wording import EMAIL_FORMAT
from reports.drafting import DRAFTED_FIELDS, mark_field
from reports.models import ProgressReport

TEXT_FIELDS = ["executive_summary", "recommendations", "reasons", "other_options", "consultation"]
IMPLICATION_FIELDS = [name for name, _ in ProgressReport.IMPLICATIONS]


class MeetingDateField(DateInputField):
    """The GOV.UK date input (day, month, year) for the date of the meeting, with the Design System's messages."""

    NAME = "Date of meeting"

    def __init__(self, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.error_messages["required"] = "Enter the date of the meeting"
        self.error_messages["incomplete"] = f"{self.NAME} must include a day, month and year"
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.error_messages["incomplete"] = f"{self.NAME} must include a {part}"
            field.validators = []  # a non-number is caught below, in the message the Design System uses

    def compress(self, data_list):
        if not data_list or not all(data_list):
            return None
        day, month, year = (str(value).strip() for value in data_list)
        try:
            if len(year) != 4:
                raise ValueError
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.NAME} must be a real date", code="invalid") from None


def _key_decision_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="Is this a key decision?",
        choices=[(True, "Yes"), (False, "No")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        initial=False,
        error_messages={"required": "Select yes if the report is a key decision"},
    )


class ProgressReportForm(forms.ModelForm):
    meeting_date = MeetingDateField(label="Date of meeting", help_text="For example, 8 12 2026")
    exempt_sections = forms.MultipleChoiceField(
        label="Which sections hold exempt information?",
        help_text="The public version of the report says these sections are exempt, and why, instead of showing "
        "them. The exempt version, with everything, is for members and officers only.",
        # Labels unlike the text boxes' own, so each control has a name of its own.
        choices=[
            (name, f"Exempt: {label[0].lower()}{label[1:]}") for name, label in ProgressReport.EXEMPTABLE_SECTIONS
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    exempt_paragraph = forms.TypedChoiceField(
        label="Paragraph of Schedule 12A that applies",
        choices=[("", "Choose a paragraph"), *exempt.Paragraph.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = ProgressReport
        fields = [
            "period", "committee", "meeting_date", "title", "report_of", "reference_number", "wards_affected",
            "agenda_item", "key_decision", "purpose", *TEXT_FIELDS, *IMPLICATION_FIELDS, "contact_name",
            "contact_email", "contact_telephone", "marking",
            "scope", "include_submitted", "exempt_sections", "exempt_paragraph",
        ]  # fmt: skip
        widgets = {
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
            "include_submitted": "Count updates submitted to the Digital Board that it has not reviewed yet. "
            "Leave this unticked to report only what the board has accepted, as the dashboard does.",
            "agenda_item": "As it appears on the committee's agenda, for example 7.",
            "purpose": "One or two sentences saying why the report comes to the committee.",
            "report_of": "Filled in from the strategy's responsible officer. For example, Director of Digital.",
        }
        error_messages = {
            "committee": {"required": "Enter the committee name"},
            "title": {"required": "Enter the report title"},
            "report_of": {"required": "Enter who the report is of (officer and job title)"},
            "executive_summary": {"required": "Enter the executive summary"},
            "recommendations": {"required": "Enter the recommendations"},
            "reasons": {"required": "Enter the reasons for the recommendations"},
            "contact_name": {"required": "Enter the contact officer's name"},
            "contact_email": {"required": "Enter the contact officer's email address", "invalid": EMAIL_FORMAT},
            "period": {"required": "Choose the reporting period"},
            "scope": {"required": "Choose what the appendix lists"},
        }

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DRAFTED_FIELDS:  # what each drafted text started from (reports/drafting.py)
            self.fields[mark_field(name)] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.fields["period"].queryset = strategy.periods.exclude(status="upcoming").order_by("-start_date")
        self.fields["period"].empty_label = None
        self.fields["scope"].choices = ProgressReport.Scope.choices
        self.fields["key_decision"] = _key_decision_field()
        for name, label in ProgressReport.IMPLICATIONS:
            self.fields[name].label = label
            self.fields[name].help_text = "Leave blank for “There are no direct implications arising from this report.”"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field("period"),
                # Drawn by hand: the GOV.UK checkbox with its hint under the label, as on the dashboard.
                HTML('{% include "reports/includes/include_submitted_field.html" %}'),
                legend="What the report covers",
                legend_size=Size.MEDIUM,
            )
        )
        # The rest of the form, after the choices and "Update the drafted text" (templates/reports/report_form.html).
        self.sections_helper = FormHelper()
        self.sections_helper.form_tag = False
        self.sections_helper.layout = Layout(
            Fieldset(
                Field.text("committee", field_width=Fluid.TWO_THIRDS),
                Field("meeting_date"),
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
            Fieldset(
                Field.checkboxes("exempt_sections", small=True),
                Field.select("exempt_paragraph"),
                legend="Exempt information",
                legend_size=Size.MEDIUM,
            ),
            *[Field(mark_field(name)) for name in DRAFTED_FIELDS],
        )

    def clean(self):
        data = super().clean()
        sections, paragraph = data.get("exempt_sections"), data.get("exempt_paragraph")
        if sections and not paragraph:
            self.add_error("exempt_paragraph", "Select the paragraph of Schedule 12A that makes these sections exempt")
        elif paragraph and not sections:
            self.add_error("exempt_sections", "Select which sections hold exempt information, or choose no paragraph")
        return data

    def show_errors(self, show: bool) -> None:
        """Hide errors when the form is only re-shown with new drafts, not submitted to be saved: the answers are
        not checked at all then (checking would mark the inputs, the date input's parts too, as in error)."""
        self.helper.form_show_errors = show
        self.sections_helper.form_show_errors = show
        if not show:
            self._errors = ErrorDict()
