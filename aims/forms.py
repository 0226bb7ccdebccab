from __future__ import annotations

from decimal import Decimal

from crispy_forms.utils import TEMPLATE_PACK
from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.core.validators import URLValidator
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from aims import rag
from aims.business_rules import UPDATE_ANSWER_RULES, PercentInRange
from aims.evidence_files import ALLOWED_DESCRIPTION, EvidenceFileError, check_evidence_file
from aims.models import Milestone
from aims.services import UPDATE_FIELDS, EvidenceInput, ProgressAnswers

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


class LinkForm(forms.Form):
    """One row of "Links", numbered from 1 in its labels and messages. `link` is (title, url) once valid."""

    title = forms.CharField(required=False, max_length=300)
    url = forms.CharField(required=False, max_length=2000, help_text="A web address starting with https:// or http://")

    def __init__(self, *args, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.link: tuple[str, str] | None = None
        self.fields["title"].label = f"Link {number} title"
        self.fields["url"].label = f"Link {number} address"

    def clean(self):
        data = super().clean()
        title, url = (data.get("title") or "").strip(), (data.get("url") or "").strip()
        if title and not url:
            self.add_error("url", f"Enter the address for link {self.number}")
        elif url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                self.add_error("url", f"Link {self.number} must be a web address starting with http:// or https://")
            else:
                self.link = (title, url)
        return data


class NumberField(forms.DecimalField):
    """A number as people write it: "21,450" and "21 450" are 21450 (the portal shows numbers with commas)."""

    def to_python(self, value):
        return super().to_python(value.replace(",", "").replace(" ", "") if isinstance(value, str) else value)


class FigureForm(forms.Form):
    """One row of "Figures", numbered from 1. `figure` is (name, value, unit) once valid."""

    name = forms.CharField(required=False, max_length=300)
    value = NumberField(required=False, max_digits=18, decimal_places=4, help_text="A number, like 1,250 or 12.5")
    unit = forms.CharField(required=False, max_length=50, help_text="For example %, residents, £")

    def __init__(self, *args, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.figure: tuple[str, Decimal, str] | None = None
        for name in self.fields:
            self.fields[name].label = f"Figure {number} {name}"
        self.fields["value"].error_messages["invalid"] = f"Figure {number} value must be a number, like 1,250 or 12.5"

    def clean(self):
        data = super().clean()
        name, value, unit = (data.get("name") or "").strip(), data.get("value"), (data.get("unit") or "").strip()
        if self.has_error("value"):
            return data
        if (name or unit) and value is None:
            self.add_error("value", f"Enter the value of figure {self.number}")
        elif value is not None and not name:
            self.add_error("name", f"Enter what figure {self.number} measures")
        elif value is not None:
            self.figure = (name, value, unit)
        return data


class NumberedRows(forms.BaseFormSet):
    """A fixed number of optional rows (formset_factory's extra = max_num = absolute_max), each told its number."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "number": index + 1}


LinkFormSet = forms.formset_factory(
    LinkForm, formset=NumberedRows, extra=LINK_ROWS, max_num=LINK_ROWS, absolute_max=LINK_ROWS
)
FigureFormSet = forms.formset_factory(
    FigureForm, formset=NumberedRows, extra=FIGURE_ROWS, max_num=FIGURE_ROWS, absolute_max=FIGURE_ROWS
)


class RowsFieldset(Fieldset):
    """A GOV.UK fieldset holding every row of a formset that is an attribute of the form (`formset`), each row
    laid out with the fieldset's fields; the formset's management form goes first."""

    def __init__(self, formset: str, *fields, **kwargs):
        super().__init__(*fields, **kwargs)
        self.formset = formset

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        rows = getattr(form, self.formset)
        html = [str(rows.management_form)]
        html += [self.get_rendered_fields(row, context, template_pack, **kwargs) for row in rows]
        context = {"fieldset": self, "fields": SafeString("".join(html)), **self.context}
        return render_to_string(self.get_template_name(template_pack), context)


class ProgressUpdateForm(forms.Form):
    """The officer's progress update, with its rows of links and figures (formsets `links` and `figures`, bound
    with it). Evidence rows and files are validated here; saving is aims.recording's job."""

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

    def __init__(self, data=None, files=None, *, milestones=(), staged=(), evidence=(), submitting=False, **kwargs):
        super().__init__(data, files, **kwargs)
        self.milestones, self.staged, self.submitting = list(milestones), list(staged), submitting
        self.checked_files: list = []  # (UploadedFile, CheckedFile) for files that passed the checks
        self.links = LinkFormSet(data, prefix="links")
        self.figures = FigureFormSet(data, prefix="figures")
        choices = {
            "milestones_completed": [
                (str(m.pk), f"{m.title}" + (f" (due {m.due_date:%-d %B %Y})" if m.due_date else ""))
                for m in self.milestones
            ],
            "staged_uploads": [(str(s.pk), s.original_name) for s in self.staged],
            "remove_evidence": [(str(e.pk), e.display_title) for e in evidence],
        }
        for name, options in choices.items():
            if options:
                self.fields[name].choices = options
            else:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = self._layout()

    def _layout(self) -> Layout:
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
        return Layout(
            "version",
            *progress,
            HTML('<h2 class="govuk-heading-l">Evidence</h2>'),
            Fieldset(*evidence_layout, legend="Files", legend_size=Size.MEDIUM),
            RowsFieldset("links", Field.text("title", field_width=Fluid.TWO_THIRDS),
                         Field.text("url", field_width=Fluid.TWO_THIRDS), legend="Links", legend_size=Size.MEDIUM),
            RowsFieldset("figures", Field.text("name", field_width=Fluid.TWO_THIRDS),
                         Field.text("value", field_width=Fixed.TEN), Field.text("unit", field_width=Fixed.TEN),
                         legend="Figures", legend_size=Size.MEDIUM),
            Field.textarea("note"),
        )  # fmt: skip

    def is_valid(self) -> bool:
        valid = [super().is_valid(), self.links.is_valid(), self.figures.is_valid()]  # each checked, so all shown
        for rows in (self.links, self.figures):
            for error in rows.non_form_errors():  # a post without the rows' management form
                self.add_error(None, error)
        return all(valid)

    @property
    def has_errors(self) -> bool:
        """Whether any answer, link or figure needs correcting (`errors` holds only the form's own)."""
        return bool(self.errors) or any(rows.total_error_count() for rows in (self.links, self.figures))

    @property
    def error_forms(self) -> list[forms.Form]:
        """The form and its rows, in page order, for the error summary."""
        return [self, *self.links, *self.figures]

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
        return data

    # What a valid form holds, as aims.recording takes it.

    def answers(self) -> ProgressAnswers:
        return ProgressAnswers(**{name: self.cleaned_data[name] for name in UPDATE_FIELDS})

    def evidence_input(self) -> EvidenceInput:
        chosen = set(self.cleaned_data.get("staged_uploads") or [])
        note = (self.cleaned_data.get("note") or "").strip()
        return EvidenceInput(
            files=[(s, None) for s in self.staged if str(s.pk) in chosen] + self.checked_files,
            links=[row.link for row in self.links if row.link],
            figures=[row.figure for row in self.figures if row.figure],
            notes=[note] if note else [],
            remove_ids=[int(x) for x in self.cleaned_data.get("remove_evidence") or []],
        )

    def milestones_chosen(self) -> list[Milestone] | None:
        """The milestones ticked as completed; None when the deliverable has none (nothing to change)."""
        if "milestones_completed" not in self.fields:
            return None
        chosen = set(self.cleaned_data.get("milestones_completed") or [])
        return [m for m in self.milestones if str(m.pk) in chosen]

    def rebound(self, *, version: int | None = None, **kwargs) -> ProgressUpdateForm:
        """The same answers and errors, bound again with the constructor's `kwargs` (`staged` now holding the files
        just kept, shown ticked as "Files ready to attach") and, after a concurrent edit, the current `version`, so
        that saving again is a deliberate overwrite."""
        data = self.data.copy()
        data.setlist("staged_uploads", [str(s.pk) for s in kwargs.get("staged", ())])
        if version is not None:
            data["version"] = str(version)
        rebound = ProgressUpdateForm(data, **kwargs)
        rebound.is_valid()
        for name, errors in self.errors.items():
            for error in errors:
                if error not in rebound.errors.get(name, []):
                    rebound.add_error(name if name != "__all__" else None, error)
        return rebound


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
