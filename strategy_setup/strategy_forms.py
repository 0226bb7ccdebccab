"""The form of "Set up a new strategy" and "Strategy details": one form, with the council only when creating."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from aims.models import Cadence, Strategy
from strategy_setup.strategies import END_AFTER_START, StrategyDetails


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with the Design System's messages, which name the date asked."""

    def __init__(self, *, name: str, required: bool = True, **kwargs):
        super().__init__(require_all_fields=False, required=required, **kwargs)
        self.name = name
        self.error_messages["required"] = f"Enter the {name.lower()}"
        self.error_messages["incomplete"] = f"{name} must include a day, month and year"
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.error_messages["incomplete"] = f"{name} must include a {part}"
            field.validators = []  # a non-number is caught below, in the message the Design System uses

    def clean(self, value):
        if not self.required and value and not any(str(v or "").strip() for v in value):
            return None
        return super().clean(value)

    def compress(self, data_list):
        if not data_list or not all(str(v or "").strip() for v in data_list):
            return None
        day, month, year = (str(value).strip() for value in data_list)
        try:
            if len(year) != 4:
                raise ValueError
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.name} must be a real date", code="invalid") from None


CADENCE_CHOICES = (
    Choice(Cadence.QUARTERLY, "Quarterly", hint="Four reporting periods a year."),
    Choice(Cadence.SIX_MONTHLY, "Six-monthly", hint="Two reporting periods a year."),
    Choice(Cadence.ANNUAL, "Annual", hint="One reporting period a year."),
)
STATUS_CHOICES = (
    Choice(Strategy.Status.DRAFT, "Draft", hint="Being written; not yet adopted by a committee."),
    Choice(Strategy.Status.ADOPTED, "Adopted", hint="Adopted by the council: progress is reported against it."),
    Choice(Strategy.Status.ARCHIVED, "Archived", hint="Finished or replaced; kept for the record."),
)
LABEL_FIELDS = ["aim_label", "aim_label_plural", "theme_label", "theme_label_plural"]


def _text(label: str, *, required: bool = True, max_length: int = 200, message: str = "", **kwargs):
    errors = {"required": message or f"Enter {label.lower()}", "max_length": f"{label} must be {max_length} "
              "characters or fewer"}  # fmt: skip
    return forms.CharField(label=label, required=required, max_length=max_length, error_messages=errors, **kwargs)


class StrategyDetailsForm(forms.Form):
    title = _text(
        "Title", message="Enter the strategy's title", help_text="For example, Digital Strategy 2026 to 2029."
    )
    organisation = forms.ModelChoiceField(
        label="Council", queryset=None, empty_label="Choose a council", error_messages={"required": "Choose a council"}
    )
    start_date = GovukDateField(name="Start date", label="Start date", help_text="For example, 1 4 2026")
    end_date = GovukDateField(name="End date", label="End date", help_text="For example, 31 3 2029")
    cadence = forms.ChoiceField(
        label="How often is progress reported?",
        choices=CADENCE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often progress is reported"},
    )
    aim_label = _text("Word for one aim", max_length=50, initial="Aim", message="Enter your council's word for an aim")
    aim_label_plural = _text("Word for several aims", max_length=50, initial="Aims",
                             message="Enter your council's word for several aims")  # fmt: skip
    theme_label = _text("Word for one theme", max_length=50, initial="Theme",
                        message="Enter your council's word for a theme")  # fmt: skip
    theme_label_plural = _text("Word for several themes", max_length=50, initial="Themes",
                               message="Enter your council's word for several themes")  # fmt: skip
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="What the strategy is for, in a few sentences.")  # fmt: skip
    vision = forms.CharField(label="Vision", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    responsible_officer = _text(
        "Responsible officer",
        required=False,
        help_text="Who committee reports on this strategy are of, for example Director of Digital.",
    )
    adopted_by = _text("Adopted by", required=False, help_text="The committee or meeting, for example Cabinet.")
    adopted_on = GovukDateField(
        name="Date adopted",
        label="Date adopted",
        required=False,
        help_text="Leave blank if it has not been adopted yet. For example, 14 3 2026",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        initial=Strategy.Status.DRAFT,
        error_messages={"required": "Select the strategy's status"},
    )

    is_published = forms.BooleanField(
        label="Publish this strategy’s progress on the public pages",
        required=False,
        help_text="Residents and councillors can then read, without signing in, the progress the Digital Board "
        "accepted for each period that has ended, and the committee reports once issued. Nothing in draft, "
        "awaiting review or marked exempt is ever shown.",
    )
    public_shows_names = forms.BooleanField(
        label="Show officers’ names on the public pages",
        required=False,
        help_text="If you leave this unticked, residents see each deliverable’s lead service but not who owns it.",
    )

    def __init__(self, *args, councils=None, **kwargs):
        """`councils`: the councils to choose from when creating; None when changing (the council stays)."""
        super().__init__(*args, **kwargs)
        if councils is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = councils
            if len(councils) == 1:
                self.fields["organisation"].initial = councils[0].pk
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(*self._layout(councils is not None))

    @staticmethod
    def _layout(with_council: bool) -> list:
        return [
            Field.text("title", field_width=Fluid.FULL),
            *([Field.select("organisation")] if with_council else []),
            Field("start_date", legend_size=Size.SMALL),
            Field("end_date", legend_size=Size.SMALL),
            Field.radios("cadence", legend_size=Size.SMALL),
            Fieldset(
                *[Field.text(name, field_width=Fixed.TWENTY) for name in LABEL_FIELDS],
                legend="What your council calls the levels of the strategy",
                legend_size=Size.SMALL,
            ),
            Field.textarea("summary"),
            Field.textarea("vision"),
            Field.text("responsible_officer", field_width=Fluid.TWO_THIRDS),
            Field.text("adopted_by", field_width=Fluid.TWO_THIRDS),
            Field("adopted_on", legend_size=Size.SMALL),
            Field.radios("status", legend_size=Size.SMALL),
            Fieldset(
                Field.checkbox("is_published", small=True),
                Field.checkbox("public_shows_names", small=True),
                legend="Public pages",
                legend_size=Size.SMALL,
            ),
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", END_AFTER_START)
        for name in LABEL_FIELDS + ["title"]:
            if name in data:
                data[name] = data[name].strip()
        return data

    def details(self) -> StrategyDetails:
        data = self.cleaned_data
        return StrategyDetails(**{name: data[name] for name in StrategyDetails.__dataclass_fields__})

    @staticmethod
    def initial_for(strategy: Strategy) -> dict:
        return {name: getattr(strategy, name) for name in StrategyDetails.__dataclass_fields__}
