from __future__ import annotations

from decimal import Decimal

from crispy_forms.utils import TEMPLATE_PACK
from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from aims import exempt, rag
from aims.business_rules import UPDATE_ANSWER_RULES, PercentInRange
from aims.evidence_files import ALLOWED_DESCRIPTION, EvidenceFileError, check_evidence_file
from aims.models import Milestone
from aims.services import SUBMISSION_RULES, UPDATE_FIELDS, EvidenceInput, ProgressAnswers, submission_problems

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


class AchievedOnField(DateInputField):
    """When a milestone was achieved: the GOV.UK date input, with messages that name the milestone."""

    def __init__(self, *, title: str, **kwargs):
        super().__init__(label="When was it achieved?", help_text="For example, 27 3 2026", required=False, **kwargs)
        self.title = title
        self.error_messages["incomplete"] = f"Enter the day, month and year {title} was achieved"
        for part, name in zip(self.fields, ("day", "month", "year"), strict=True):
            part.error_messages["incomplete"] = f"Enter the {name} {title} was achieved"
            part.validators[0].message = f"The date {title} was achieved must be a real date, in numbers"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError as exc:
            raise forms.ValidationError(f"The date {self.title} was achieved must be a real date") from exc


def achieved_on_name(milestone: Milestone) -> str:
    return f"milestone_{milestone.pk}_achieved_on"


class MilestoneCheckboxes(Field):
    """The milestones still to complete as GOV.UK checkboxes, each revealing when it was achieved (a date input),
    after the ones completed in earlier periods, shown with their dates and not offered again."""

    def __init__(self):
        super().__init__("milestones_completed")

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        bound = form["milestones_completed"]
        chosen = {str(v) for v in (bound.value() or [])}
        items = [
            {
                "milestone": m,
                "value": str(m.pk),
                "id": bound.auto_id if n == 0 else f"{bound.auto_id}_{n + 1}",  # the first, where errors link
                "checked": str(m.pk) in chosen,
                "date": Field(achieved_on_name(m)).render(form, context, template_pack=template_pack),
            }
            for n, m in enumerate(form.milestones_offered)
        ]
        context = {"field": bound, "items": items, "earlier": form.milestones_earlier}
        return render_to_string("aims/includes/milestone_checkboxes.html", context)


class ProgressUpdateForm(forms.Form):
    """The officer's progress update, with its rows of links and figures (formsets `links` and `figures`, bound
    with it). Evidence rows and files are validated here; saving is aims.recording's job."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    rag_status = forms.ChoiceField(
        label="RAG status",
        choices=[Choice(status.key, status.label, hint=status.hint) for status in rag.REPORTABLE],
        widget=forms.RadioSelect,
        required=False,  # a draft may leave it blank; submitting asks for it (SubmittedHasStatusAndPercent)
    )
    percent_complete = forms.IntegerField(
        label="Percent complete",
        help_text=PercentInRange.help_text,
        min_value=PercentInRange.minimum,
        max_value=PercentInRange.maximum,
        required=False,  # as the RAG status
        error_messages={
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
    exempt_fields = forms.MultipleChoiceField(
        label="Which parts hold exempt information?",
        help_text="Only if they hold information the public may not see, such as a named person or a contract's "
        "terms. The public version of the report and the public pages will say the part is exempt instead.",
        # Labels unlike the text boxes' own, so each control has a name of its own.
        choices=[(name, f"Exempt: {label[0].lower()}{label[1:]}") for name, label in exempt.UPDATE_FIELDS.items()],
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
    evidence_files = MultipleFileField(
        label="Upload evidence",
        help_text=f"You can choose several files at once. {ALLOWED_DESCRIPTION}.",  # and the size limit: __init__
        required=False,
    )
    remove_staged = forms.MultipleChoiceField(
        label="Files you have added",
        help_text="These files passed their checks and are kept for this update: they are attached when you save. "
        "Tick any you want to remove.",
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

    def __init__(
        self, data=None, files=None, *, milestones=(), completed_here=(), starts_on=None, staged=(), evidence=(),
        submitting=False, past_draft=False, **kwargs,
    ):  # fmt: skip
        """`milestones`: the deliverable's; `completed_here`: the pks of those this update completed (offered again,
        ticked); `starts_on`: the strategy's start date, before which nothing was achieved. `submitting`: asks for
        what submission needs ("Continue"); `past_draft`: a returned update, held to the submission rules always."""
        super().__init__(data, files, **kwargs)
        self.staged, self.submitting, self.starts_on = list(staged), submitting, starts_on
        self.past_draft = past_draft
        here = set(completed_here)
        self.milestones_earlier = [m for m in milestones if m.completed_on and m.pk not in here]
        self.milestones_offered = [m for m in milestones if m not in self.milestones_earlier]
        self.checked_files: list = []  # (UploadedFile, CheckedFile) for files that passed the checks
        limit = filesizeformat(settings.EVIDENCE_MAX_UPLOAD_BYTES)  # in the words of the error for a larger file
        self.fields["evidence_files"].help_text = f"{self.fields['evidence_files'].help_text[:-1]}; up to {limit} each."
        self.links = LinkFormSet(data, prefix="links")
        self.figures = FigureFormSet(data, prefix="figures")
        for milestone in self.milestones_offered:
            self.fields[achieved_on_name(milestone)] = AchievedOnField(
                title=milestone.title, initial=milestone.completed_on or timezone.localdate()
            )
        choices = {
            "milestones_completed": [(str(m.pk), m.title) for m in self.milestones_offered],
            "remove_staged": [(str(s.pk), f"Remove {s.original_name}") for s in self.staged],
            "remove_evidence": [(str(e.pk), e.display_title) for e in evidence],
        }
        for name, options in choices.items():
            if options:
                self.fields[name].choices = options
            elif name != "milestones_completed" or not self.milestones_earlier:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = self._layout()

    def _layout(self) -> Layout:
        evidence_layout = [Field("evidence_files")]
        if "remove_staged" in self.fields:
            evidence_layout.insert(0, Field.checkboxes("remove_staged", small=True))
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
            progress.append(MilestoneCheckboxes())
        progress.append(
            Fieldset(
                Field.checkboxes("exempt_fields", small=True),
                Field.select("exempt_paragraph"),
                legend="Exempt information",
                legend_size=Size.MEDIUM,
            )
        )
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
        rules = [rule for rule in UPDATE_ANSWER_RULES if rule not in SUBMISSION_RULES]
        problems = [problem for rule in rules for problem in rule.problems(data)]
        if self.submitting:  # a draft is saved as it is; what submitting needs is asked for on "Continue"
            problems += submission_problems(data)
        elif self.past_draft:  # a returned update is held to the submission rules at every save
            problems += [problem for rule in SUBMISSION_RULES for problem in rule.problems(data)]
        for field, message in problems:
            if field not in self.errors:  # an answer that is already wrong is not also called missing
                self.add_error(field, message)
        self._clean_achieved_on(data)
        self._clean_exempt(data)
        return data

    def _clean_exempt(self, data: dict) -> None:
        fields_marked, paragraph = data.get("exempt_fields"), data.get("exempt_paragraph")
        if fields_marked and not paragraph:
            self.add_error("exempt_paragraph", "Select the paragraph of Schedule 12A that makes these parts exempt")
        elif paragraph and not fields_marked:
            self.add_error("exempt_fields", "Select which parts hold exempt information, or choose no paragraph")

    def _clean_achieved_on(self, data: dict) -> None:
        """A ticked milestone needs a date, today or earlier and not before the strategy started; the date of one
        left unticked is not asked for, so its errors are dropped."""
        chosen = set(data.get("milestones_completed") or [])
        today = timezone.localdate()
        for milestone in self.milestones_offered:
            name = achieved_on_name(milestone)
            if str(milestone.pk) not in chosen:
                self.errors.pop(name, None)
                data.pop(name, None)
                for part in self.fields[name].fields:
                    part.widget.errors = []
                continue
            day = data.get(name)
            if name in self.errors:
                continue
            if day is None:
                problem = f"Enter the date {milestone.title} was achieved"
            elif day > today:
                problem = f"The date {milestone.title} was achieved must be today or in the past"
            elif self.starts_on and day < self.starts_on:
                problem = (
                    f"The date {milestone.title} was achieved must be on or after the strategy started, "
                    f"{self.starts_on:%-d %B %Y}"
                )
            else:
                continue
            self.add_error(name, problem)
            self.fields[name].fields[0].widget.errors = [problem]  # so the error summary links to the day box

    # What a valid form holds, as aims.recording takes it.

    def answers(self) -> ProgressAnswers:
        values = {name: self.cleaned_data.get(name) for name in UPDATE_FIELDS}
        values["exempt_fields"] = tuple(values["exempt_fields"] or ())
        return ProgressAnswers(**values)

    def staged_removed(self) -> list[int]:
        """The kept files the person ticked to remove (read from the data, so it works on an invalid form too)."""
        offered = {str(s.pk) for s in self.staged}
        return [int(pk) for pk in self.data.getlist("remove_staged") if pk in offered] if self.data else []

    def evidence_input(self) -> EvidenceInput:
        removed = set(self.staged_removed())
        note = (self.cleaned_data.get("note") or "").strip()
        return EvidenceInput(
            files=[(s, None) for s in self.staged if s.pk not in removed] + self.checked_files,
            links=[row.link for row in self.links if row.link],
            figures=[row.figure for row in self.figures if row.figure],
            notes=[note] if note else [],
            remove_ids=[int(x) for x in self.cleaned_data.get("remove_evidence") or []],
        )

    def milestones_chosen(self) -> dict[Milestone, object] | None:
        """The milestones ticked as completed in this update, each with the date it was achieved; None when there
        are none to offer (nothing to change). Milestones completed in earlier periods are never among them."""
        if not self.milestones_offered:
            return None
        chosen = set(self.cleaned_data.get("milestones_completed") or [])
        return {m: self.cleaned_data[achieved_on_name(m)] for m in self.milestones_offered if str(m.pk) in chosen}

    def rebound(self, *, version: int | None = None, **kwargs) -> ProgressUpdateForm:
        """The same answers and errors, bound again with the constructor's `kwargs` (`staged` now holding the files
        kept for this update, listed as "Files you have added", none ticked to remove) and, after a concurrent edit,
        the current `version`, so that saving again is a deliberate overwrite."""
        data = self.data.copy()
        data.setlist("remove_staged", [])
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
