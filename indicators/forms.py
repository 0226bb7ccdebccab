"""Forms for indicators: set-up, targets, recording a figure and reviewing it. Validation and layout only."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.core.validators import URLValidator

from accounts.models import User
from aims import exempt
from aims.forms import NumberField
from indicators.models import Frequency, Indicator, Polarity, ToleranceKind, Unit
from indicators.services import ActualAnswers, answer_problems
from indicators.status import Target


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


def _date_field(label: str, hint: str, what: str) -> DateInputField:
    field = DateInputField(label=label, help_text=hint, required=False)
    field.error_messages["incomplete"] = f"Enter the day, month and year {what}"
    for part, name in zip(field.fields, ("day", "month", "year"), strict=True):
        part.error_messages["incomplete"] = f"Enter the {name} {what}"
        part.validators[0].message = f"The date {what} must be a real date, in numbers"
    return field


def strategy_people(strategy):
    """Who can own an indicator: anyone with a role in the strategy or owning one of its deliverables."""
    return (
        User.objects.filter(is_active=True)
        .filter(pk__in=strategy.memberships.values("user_id").union(strategy.deliverables.values("owner_id")))
        .order_by("first_name", "last_name", "username")
    )


class IndicatorForm(forms.ModelForm):
    baseline_value = NumberField(
        label="Baseline value", required=False, max_digits=18, decimal_places=4,
        help_text="The figure before the strategy started, if known.",
        error_messages={"invalid": "Enter the baseline as a number, like 45 or 45.5"},
    )  # fmt: skip
    baseline_date = _date_field("Baseline date", "For example, 31 3 2025", "of the baseline")
    tolerance = NumberField(
        label="Tolerance", max_digits=18, decimal_places=4, min_value=Decimal(0),
        help_text="How far worse than the target still counts as Amber. 0 means anything worse is Red.",
        error_messages={
            "required": "Enter the tolerance, or 0 for none",
            "invalid": "Enter the tolerance as a number, like 5",
            "min_value": "Enter a tolerance of 0 or more",
        },
    )  # fmt: skip

    class Meta:
        model = Indicator
        fields = [
            "reference", "title", "definition", "calculation", "unit", "decimal_places", "polarity", "frequency",
            "baseline_value", "baseline_date", "tolerance_kind", "tolerance", "data_source", "owner", "is_published",
            "exempt_paragraph", "aims", "themes", "deliverables",
        ]  # fmt: skip
        labels = {
            "is_published": "Show this indicator on the public pages",
            "exempt_paragraph": "Is this indicator exempt information?",
        }
        help_texts = {
            "reference": "A short code, unique in this strategy, for example PI-01.",
            "definition": "What it measures, in plain English.",
            "decimal_places": "How many decimal places its figures are written with, from 0 to 4.",
            "frequency": "This can differ from how often the strategy reports.",
            "exempt_paragraph": "Only if its figures or commentary may not be published (Schedule 12A to the Local "
            "Government Act 1972). The public version of the report will say it is exempt instead.",
        }
        widgets = {
            "unit": forms.RadioSelect,
            "polarity": forms.RadioSelect,
            "frequency": forms.RadioSelect,
            "tolerance_kind": forms.RadioSelect,
            "aims": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "deliverables": forms.CheckboxSelectMultiple,
            "definition": forms.Textarea(attrs={"rows": 3}),
            "calculation": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "reference": {"required": "Enter a reference"},
            "title": {"required": "Enter the indicator's title"},
            "owner": {"required": "Select who owns the indicator", "invalid_choice": "Select who owns the indicator"},
            "frequency": {"required": "Select how often it is measured"},
            "decimal_places": {"max_value": "Enter a number of decimal places from 0 to 4"},
        }

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = strategy_people(strategy)
        self.fields["owner"].label_from_instance = lambda user: str(user)
        self.fields["aims"].queryset = strategy.aims.order_by("number")
        self.fields["themes"].queryset = strategy.themes.order_by("number")
        self.fields["deliverables"].queryset = strategy.deliverables.filter(is_active=True).order_by("reference")
        self.fields["aims"].label = f"Linked {strategy.aim_label_plural.lower()}"
        self.fields["themes"].label = f"Linked {strategy.theme_label_plural.lower()}"
        self.fields["deliverables"].label = "Linked deliverables"
        self.fields["tolerance_kind"].label = "Tolerance is"
        self.fields["unit"].choices = Unit.choices
        self.fields["polarity"].choices = Polarity.choices
        self.fields["frequency"].choices = Frequency.choices
        self.fields["tolerance_kind"].choices = ToleranceKind.choices
        self.fields["exempt_paragraph"].choices = [("", "No, it can be published"), *exempt.Paragraph.choices]
        for name in ("aims", "themes", "deliverables"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]
        links = [Field.checkboxes(n, legend_size=Size.SMALL, small=True) for n in ("aims", "themes", "deliverables")
                 if n in self.fields]  # fmt: skip
        self.helper = _helper(
            Field.text("reference", field_width=Fixed.TEN),
            Field.text("title"),
            Field.textarea("definition"),
            Field.textarea("calculation"),
            Field.radios("unit", legend_size=Size.SMALL, small=True),
            Field.text("decimal_places", field_width=Fixed.TWO),
            Field.radios("polarity", legend_size=Size.SMALL, small=True),
            Field.radios("frequency", legend_size=Size.SMALL, small=True),
            Fieldset(Field.text("baseline_value", field_width=Fixed.TEN), Field("baseline_date"),
                     legend="Baseline", legend_size=Size.MEDIUM),
            Fieldset(Field.radios("tolerance_kind", legend_size=Size.SMALL, small=True),
                     Field.text("tolerance", field_width=Fixed.TEN), legend="Tolerance", legend_size=Size.MEDIUM),
            Field.text("data_source", field_width=Fluid.TWO_THIRDS),
            Field.select("owner"),
            *links,
            Field.checkbox("is_published", small=True),
            Field.select("exempt_paragraph"),
        )  # fmt: skip


class TargetsForm(forms.Form):
    """A target for each measurement period: one box, or for "within a range" a lower and an upper bound."""

    def __init__(self, *args, indicator: Indicator, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator, self.periods = indicator, list(periods)
        self.is_range = indicator.polarity == Polarity.RANGE
        names = []
        for period in self.periods:
            target = getattr(period, "target", None)
            parts = [("lower", "lower bound"), ("upper", "upper bound")] if self.is_range else [("value", "target")]
            for part, words in parts:
                name = f"{part}_{period.pk}"
                self.fields[name] = NumberField(
                    label=f"{period.label} {words}" if self.is_range else f"Target for {period.label}",
                    required=False, max_digits=18, decimal_places=4,
                    initial=getattr(target, part, None) if target else None,
                    error_messages={"invalid": f"Enter the {words} for {period.label} as a number, like 75"},
                )  # fmt: skip
                names.append(Field.text(name, field_width=Fixed.TEN))
        self.helper = _helper(*names)

    def clean(self):
        data = super().clean()
        for period in self.periods:
            if self.is_range:
                lower, upper = data.get(f"lower_{period.pk}"), data.get(f"upper_{period.pk}")
                if (lower is None) != (upper is None):
                    self.add_error(f"lower_{period.pk}" if lower is None else f"upper_{period.pk}",
                                   f"Enter both bounds for {period.label}, or neither")  # fmt: skip
                elif lower is not None and lower > upper:
                    self.add_error(
                        f"upper_{period.pk}",
                        f"The upper bound for {period.label} must be no lower than the lower bound",
                    )
        return data

    def targets(self) -> dict:
        result = {}
        for period in self.periods:
            if self.is_range:
                lower, upper = self.cleaned_data.get(f"lower_{period.pk}"), self.cleaned_data.get(f"upper_{period.pk}")
                result[period.pk] = None if lower is None else Target(lower=lower, upper=upper)
            else:
                value = self.cleaned_data.get(f"value_{period.pk}")
                result[period.pk] = None if value is None else Target(value=value)
        return result


class AnnualTargetForm(forms.Form):
    """An annual target, profiled into the periods of one year."""

    year = forms.TypedChoiceField(label="Year", coerce=int, error_messages={"required": "Select the year"})
    annual = NumberField(
        label="Annual target", max_digits=18, decimal_places=4,
        error_messages={"required": "Enter the annual target", "invalid": "Enter the annual target as a number"},
    )  # fmt: skip
    how = forms.ChoiceField(
        label="How the annual target becomes each period's",
        choices=[
            ("split", "Split it across the periods (a count over the year, such as residents helped)"),
            ("same", "Each period has the same target (a rate, percentage or average)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the annual target is profiled"},
    )

    def __init__(self, *args, years: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years
        self.helper = _helper(
            Field.select("year"), Field.text("annual", field_width=Fixed.TEN), Field.radios("how", small=True)
        )


class ActualForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    value = NumberField(label="Value", required=False, max_digits=18, decimal_places=4)
    not_available = forms.BooleanField(label="The data is not yet available", required=False)
    expected_on = _date_field(
        "When is the data expected?", "Only if it is not yet available. For example, 15 8 2026", "the data is expected"
    )
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What explains the figure: for example why it changed, or what is being done about it.",
    )  # fmt: skip
    corrective_action = forms.CharField(
        label="Corrective action", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when the figure is Red (worse than the target by more than the tolerance): what will "
        "bring it back within tolerance, and by when.",
    )  # fmt: skip
    evidence_url = forms.CharField(
        label="Evidence link", required=False, max_length=2000,
        help_text="A web address starting with https:// or http://, for example the published return.",
    )  # fmt: skip

    def __init__(self, *args, indicator: Indicator, period=None, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator, self.period, self.submitting = indicator, period, submitting
        places = indicator.decimal_places
        unit = indicator.get_unit_display()
        example = "45" if places == 0 else "45." + "5" * places
        self.fields["value"].help_text = f"{unit}, with up to {places} decimal places, for example {example}."
        self.fields["value"].error_messages["invalid"] = f"Enter the value as a number, like {example}"
        self.helper = _helper(
            "version",
            Field.text("value", field_width=Fixed.TEN),
            Field.checkbox("not_available", small=True),
            Field("expected_on"),
            Field.textarea("note"),
            Field.textarea("corrective_action"),
            Field.text("evidence_url", field_width=Fluid.TWO_THIRDS),
        )

    def clean_value(self):
        value = self.cleaned_data.get("value")
        places = self.indicator.decimal_places
        if value is not None and -value.as_tuple().exponent > places and value != round(value, places):
            raise forms.ValidationError(f"Enter the value with no more than {places} decimal places")
        return value

    def clean_evidence_url(self):
        url = (self.cleaned_data.get("evidence_url") or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError as exc:
                raise forms.ValidationError("Enter an evidence link starting with http:// or https://") from exc
        return url

    def clean(self):
        data = super().clean()
        if "value" in self.errors or "expected_on" in self.errors:
            return data
        answers = self.answers()
        if answers.value is not None and answers.not_available:
            self.add_error("value", "Enter the value or say the data is not yet available, not both")
        elif self.submitting:
            for name, message in answer_problems(answers, period=self.period):
                self.add_error(name, message)
        return data

    def answers(self) -> ActualAnswers:
        data = self.cleaned_data
        return ActualAnswers(
            value=data.get("value"),
            not_available=bool(data.get("not_available")),
            expected_on=data.get("expected_on"),
            note=(data.get("note") or "").strip(),
            corrective_action=(data.get("corrective_action") or "").strip(),
            evidence_url=data.get("evidence_url") or "",
        )


class ActualReviewForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the owner", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you return the figure: say what needs to change.",
    )  # fmt: skip

    def __init__(self, *args, returning=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.returning = returning
        self.helper = _helper(Field.textarea("comment"))

    def clean(self):
        data = super().clean()
        if self.returning and not (data.get("comment") or "").strip():
            self.add_error("comment", "Enter a comment saying what the owner needs to change")
        return data
