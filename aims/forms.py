from decimal import Decimal

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.core.validators import URLValidator

from aims import rag
from aims.business_rules import UPDATE_ANSWER_RULES, PercentInRange
from aims.evidence_files import ALLOWED_DESCRIPTION, EvidenceFileError, check_evidence_file

LINK_ROWS = 2
FIGURE_ROWS = 2


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    # crispy-forms-gds styles only ClearableFileInput itself, so the GOV.UK class is set here.
    widget = MultipleFileInput(attrs={"class": "govuk-file-upload"})

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [f for f in (super(MultipleFileField, self).clean(d, initial) for d in data) if f]
        return [data] if data else []


class ProgressUpdateForm(forms.Form):
    """The officer's progress update. Evidence rows and files are validated here; saving is the service's job."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    rag_status = forms.ChoiceField(
        label="RAG status",
        choices=[Choice(status.key, status.label, hint=status.hint) for status in rag.REPORTABLE],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a RAG status"},
    )
    percent_complete = forms.IntegerField(
        label="Percent complete",
        help_text=PercentInRange.help_text,
        min_value=PercentInRange.minimum,
        max_value=PercentInRange.maximum,
        error_messages={
            "required": "Enter the percent complete",
            "invalid": "Percent complete must be a whole number, like 40",
            "min_value": PercentInRange.too_low,
            "max_value": PercentInRange.too_high,
        },
    )
    achieved = forms.CharField(
        label="What has been achieved",
        help_text="What was delivered this period. Keep it short: the board and committee read it.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    next_steps = forms.CharField(label="What happens next", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    risks_issues = forms.CharField(label="Risks and issues", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    corrective_action = forms.CharField(
        label="Corrective action",
        help_text="Required when the status is Red: what will bring the deliverable back on track, and by when.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    milestones_completed = forms.MultipleChoiceField(
        label="Milestones completed", widget=forms.CheckboxSelectMultiple, required=False
    )
    evidence_files = MultipleFileField(
        label="Upload evidence",
        help_text=f"You can choose several files at once. {ALLOWED_DESCRIPTION}; up to 20 MB each.",
        required=False,
    )
    staged_uploads = forms.MultipleChoiceField(
        label="Files ready to attach",
        help_text="These files were checked and kept while you correct the form. Untick any you do not want.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    remove_evidence = forms.MultipleChoiceField(
        label="Remove evidence", widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(
        label="Add a note", widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text="For example, where evidence that cannot be uploaded is kept.",
    )  # fmt: skip

    def __init__(self, *args, milestones=(), staged=(), evidence=(), submitting=False, max_upload_bytes=None, **kw):
        super().__init__(*args, **kw)
        self.submitting = submitting
        self.max_upload_bytes = max_upload_bytes
        self.checked_files: list = []  # (UploadedFile, CheckedFile) for files that passed the checks
        self.fields["milestones_completed"].choices = [
            (str(m.pk), f"{m.title}" + (f" (due {m.due_date:%-d %B %Y})" if m.due_date else "")) for m in milestones
        ]
        self.fields["staged_uploads"].choices = [(str(s.pk), s.original_name) for s in staged]
        self.fields["remove_evidence"].choices = [(str(e.pk), e.display_title) for e in evidence]
        if not staged:
            del self.fields["staged_uploads"]
        if not evidence:
            del self.fields["remove_evidence"]
        if not milestones:
            del self.fields["milestones_completed"]
        link_fields, figure_fields = [], []
        for i in range(1, LINK_ROWS + 1):
            self.fields[f"link_title_{i}"] = forms.CharField(label=f"Link {i} title", required=False, max_length=300)
            self.fields[f"link_url_{i}"] = forms.CharField(
                label=f"Link {i} address", required=False, max_length=2000, help_text="Starts with https://"
            )
            link_fields += [Field.text(f"link_title_{i}", field_width=Fluid.TWO_THIRDS),
                            Field.text(f"link_url_{i}", field_width=Fluid.TWO_THIRDS)]  # fmt: skip
        for i in range(1, FIGURE_ROWS + 1):
            self.fields[f"figure_name_{i}"] = forms.CharField(label=f"Figure {i} name", required=False, max_length=300)
            self.fields[f"figure_value_{i}"] = forms.DecimalField(
                label=f"Figure {i} value", required=False, max_digits=18, decimal_places=4,
                error_messages={"invalid": f"Figure {i} value must be a number, like 1250 or 12.5"},
            )  # fmt: skip
            self.fields[f"figure_unit_{i}"] = forms.CharField(
                label=f"Figure {i} unit", required=False, max_length=50, help_text="For example %, residents, £"
            )
            figure_fields += [Field.text(f"figure_name_{i}", field_width=Fluid.TWO_THIRDS),
                              Field.text(f"figure_value_{i}", field_width=Fixed.TEN),
                              Field.text(f"figure_unit_{i}", field_width=Fixed.TEN)]  # fmt: skip

        self.helper = FormHelper()
        self.helper.form_tag = False
        evidence_layout = [Field("evidence_files")]
        if "staged_uploads" in self.fields:
            evidence_layout.insert(0, Field.checkboxes("staged_uploads"))
        if "remove_evidence" in self.fields:
            evidence_layout.append(Field.checkboxes("remove_evidence", small=True))
        progress = [
            Field.radios("rag_status", legend_size=Size.MEDIUM),
            Field.text("percent_complete", field_width=Fixed.THREE),
            Field.textarea("achieved"),
            Field.textarea("next_steps"),
            Field.textarea("risks_issues"),
            Field.textarea("corrective_action"),
        ]
        if "milestones_completed" in self.fields:
            progress.append(Field.checkboxes("milestones_completed", legend_size=Size.MEDIUM, small=True))
        self.helper.layout = Layout(
            "version",
            *progress,
            HTML('<h2 class="govuk-heading-l">Evidence</h2>'),
            Fieldset(*evidence_layout, legend="Files", legend_size=Size.MEDIUM),
            Fieldset(*link_fields, legend="Links", legend_size=Size.MEDIUM),
            Fieldset(*figure_fields, legend="Figures", legend_size=Size.MEDIUM),
            Field.textarea("note"),
        )

    def clean_evidence_files(self):
        files = self.cleaned_data.get("evidence_files") or []
        problems = []
        for upload in files:
            try:
                self.checked_files.append((upload, check_evidence_file(upload)))
            except EvidenceFileError as exc:
                problems.append(str(exc))
        if problems:
            self.fields["evidence_files"].widget.attrs["class"] = "govuk-file-upload govuk-file-upload--error"
            raise forms.ValidationError(problems)
        return files

    def clean(self):
        data = super().clean()
        for rule in UPDATE_ANSWER_RULES:
            if rule.broken_by(data):
                self.add_error(rule.field, rule.message)
        if self.submitting and not (data.get("achieved") or "").strip():
            self.add_error("achieved", "Enter what has been achieved before you submit the update for review")
        validate_url = URLValidator(schemes=["http", "https"])
        self.links = []
        for i in range(1, LINK_ROWS + 1):
            title, url = (data.get(f"link_title_{i}") or "").strip(), (data.get(f"link_url_{i}") or "").strip()
            if title and not url:
                self.add_error(f"link_url_{i}", f"Enter the address for link {i}")
            elif url:
                try:
                    validate_url(url)
                except forms.ValidationError:
                    self.add_error(f"link_url_{i}", f"Link {i} must be a web address starting with http:// or https://")
                else:
                    self.links.append((title, url))
        self.figures = []
        for i in range(1, FIGURE_ROWS + 1):
            name = (data.get(f"figure_name_{i}") or "").strip()
            value: Decimal | None = data.get(f"figure_value_{i}")
            unit = (data.get(f"figure_unit_{i}") or "").strip()
            if f"figure_value_{i}" in self.errors:
                continue
            if (name or unit) and value is None:
                self.add_error(f"figure_value_{i}", f"Enter the value of figure {i}")
            elif value is not None and not name:
                self.add_error(f"figure_name_{i}", f"Enter what figure {i} measures")
            elif value is not None:
                self.figures.append((name, value, unit))
        return data


class ReviewForm(forms.Form):
    """Accept or return an update; which button was pressed decides (`returning`)."""

    comment = forms.CharField(
        label="Comment for the officer",
        help_text="Required when you return the update: say what needs to change.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, returning=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.returning = returning
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("comment"))

    def clean(self):
        data = super().clean()
        if self.returning and not (data.get("comment") or "").strip():
            self.add_error("comment", "Enter a comment saying what the officer needs to change")
        return data
