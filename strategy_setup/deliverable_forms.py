"""Forms of the Deliverables setup pages: a deliverable (with the principles it upholds) and a milestone."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms

from aims.deliverable_setup import DeliverableAnswers, reference_taken_message, strategy_people
from aims.models import Deliverable, Strategy
from principles.models import Principle
from strategy_setup.dates import GovukDateField


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


def principle_field(principle: Principle) -> str:
    return f"principle_{principle.pk}"


def principle_note_field(principle: Principle) -> str:
    return f"principle_{principle.pk}_note"


class DeliverableForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        max_length=30,
        help_text="A short code unique in this strategy, for example DS-07.",
        error_messages={"required": "Enter a reference", "max_length": "The reference must be 30 characters or fewer"},
    )
    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Enter the deliverable's title"})
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    expected_outcome = forms.CharField(
        label="Expected outcome",
        help_text="What will be different once it is delivered.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    theme = forms.ModelChoiceField(
        label="Theme", queryset=None, empty_label="Choose a theme", error_messages={"required": "Choose a theme"}
    )
    owner = PersonChoiceField(
        label="Owner",
        queryset=None,
        empty_label="Choose an owner",
        help_text="Who records its progress. Only people with a role in this strategy are listed.",
        error_messages={
            "required": "Choose an owner",
            "invalid_choice": "Choose an owner from the list: only people with a role in this strategy can own it",
        },
    )
    contributors = PeopleChoiceField(
        label="Contributors",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People who also record progress on it. Select all that apply.",
        error_messages={
            "invalid_choice": "Choose contributors from the list of people with a role in this strategy",
            "invalid_pk_value": "Choose contributors from the list of people with a role in this strategy",
        },
    )
    lead_service = forms.CharField(label="Lead service", max_length=200, required=False)
    start_date = GovukDateField(label="Start date", what="start date")
    due_date = GovukDateField(label="Due date", what="due date")
    weight = forms.DecimalField(
        label="Weight",
        initial=Decimal("1"),
        min_value=Decimal("0.01"),
        max_value=Decimal("9999"),
        decimal_places=2,
        help_text="How much it counts in the strategy's percent complete. Most deliverables have weight 1.",
        error_messages={
            "required": "Enter the weight, for example 1",
            "invalid": "The weight must be a number, like 1 or 2.5",
            "min_value": "The weight must be more than 0",
            "max_value": "The weight must be 9999 or less",
            "max_decimal_places": "The weight can have at most 2 decimal places",
            "max_digits": "The weight must be 9999 or less",
        },
    )

    def __init__(self, *args, strategy: Strategy, deliverable: Deliverable | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.strategy, self.deliverable = strategy, deliverable
        self.fields["theme"].queryset = strategy.themes.all()
        self.fields["theme"].label = strategy.theme_label
        self.fields["theme"].empty_label = f"Choose a {strategy.theme_label.lower()}"
        self.fields["theme"].error_messages["required"] = f"Choose a {strategy.theme_label.lower()}"
        self.fields["theme"].error_messages["invalid_choice"] = f"Choose a {strategy.theme_label.lower()} from the list"
        people = strategy_people(strategy=strategy, deliverable=deliverable)
        self.fields["owner"].queryset = people
        self.fields["owner"].widget.attrs["data-autocomplete"] = "person"
        self.fields["contributors"].queryset = people
        self.principles = list(Principle.objects.filter(strategy=strategy))
        for principle in self.principles:
            self.fields[principle_field(principle)] = forms.BooleanField(label=principle.title, required=False)
            self.fields[principle_note_field(principle)] = forms.CharField(
                label=f"How it upholds {principle.title} (optional)", max_length=500, required=False
            )
        self.helper = _helper(*self._layout())

    def _layout(self) -> list:
        principles = [
            part
            for principle in self.principles
            for part in (
                Field.checkbox(principle_field(principle)),
                Field.text(principle_note_field(principle), field_width=Fluid.TWO_THIRDS),
            )
        ]
        return [
            Field.text("reference", field_width=Fixed.TEN),
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("description"),
            Field.textarea("expected_outcome"),
            Field.select("theme"),
            Field.select("owner"),
            Field.checkboxes("contributors", legend_size=Size.SMALL, small=True),
            Field.text("lead_service", field_width=Fluid.TWO_THIRDS),
            Field("start_date"),
            Field("due_date"),
            Field.text("weight", field_width=Fixed.FIVE),
            *([Fieldset(*principles, legend="Principles it upholds", legend_size=Size.SMALL)] if principles else []),
        ]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        others = Deliverable.objects.filter(strategy=self.strategy, reference__iexact=reference)
        if self.deliverable is not None:
            others = others.exclude(pk=self.deliverable.pk)
        if others.exists():
            raise forms.ValidationError(reference_taken_message(reference))
        return reference

    def clean(self):
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "The due date must be on or after the start date")
        return data

    def answers(self) -> DeliverableAnswers:
        data = self.cleaned_data
        return DeliverableAnswers(
            reference=data["reference"],
            title=data["title"],
            description=data["description"],
            expected_outcome=data["expected_outcome"],
            theme=data["theme"],
            owner=data["owner"],
            contributors=list(data["contributors"]),
            lead_service=data["lead_service"],
            start_date=data["start_date"],
            due_date=data["due_date"],
            weight=data["weight"],
            principles={p.pk: data[principle_note_field(p)] for p in self.principles if data.get(principle_field(p))},
        )


def deliverable_initial(deliverable: Deliverable) -> dict:
    initial = {
        name: getattr(deliverable, name)
        for name in (
            "reference", "title", "description", "expected_outcome", "theme", "owner", "lead_service",
            "start_date", "due_date", "weight",
        )
    }  # fmt: skip
    # Primary keys, which crispy-forms-gds's checkboxes compare with their values to tick them.
    initial["contributors"] = list(deliverable.contributors.values_list("pk", flat=True))
    for link in deliverable.principle_links.all():
        initial[f"principle_{link.principle_id}"] = True
        initial[f"principle_{link.principle_id}_note"] = link.note
    return initial


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label="Milestone",
        max_length=300,
        help_text="A step on the way that the owner can tick off, for example “Supplier chosen”.",
        error_messages={
            "required": "Enter the milestone",
            "max_length": "The milestone must be 300 characters or fewer",
        },
    )
    due_date = GovukDateField(label="Due date (optional)", what="milestone's due date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("title", field_width=Fluid.FULL), Field("due_date"))
