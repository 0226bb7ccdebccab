"""Forms of the strategy's levels: an aim, a principle, a theme (in the council's own words for the levels)."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from aims.models import Strategy


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


def _title(word: str) -> forms.CharField:
    return forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": f"Enter the {word}'s title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )


class AimForm(forms.Form):
    title = forms.CharField()
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, strategy: Strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"] = _title(strategy.aim_label.lower())
        self.fields[
            "description"
        ].help_text = f"What the {strategy.aim_label.lower()} will achieve, in a sentence or two."
        self.helper = _helper(Field.text("title", field_width=Fluid.FULL), Field.textarea("description"))


class PrincipleForm(forms.Form):
    title = _title("principle")
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What every piece of work must do to honour it.",
    )

    def __init__(self, *args, strategy: Strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("title", field_width=Fluid.FULL), Field.textarea("description"))


class AimChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number}. {obj.title}"


class ThemeForm(forms.Form):
    title = forms.CharField()
    vision = forms.CharField(label="Vision", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    expected_outcomes = forms.CharField(
        label="Expected outcomes", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    aims = AimChoices(queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, strategy: Strategy, **kwargs):
        super().__init__(*args, **kwargs)
        aim, aims = strategy.aim_label.lower(), strategy.aim_label_plural.lower()
        self.fields["title"] = _title(strategy.theme_label.lower())
        self.fields["aims"].queryset = strategy.aims.order_by("number")
        self.fields["aims"].label = f"Which {aims} does it serve?"
        self.fields["aims"].help_text = "Select all that apply."
        self.fields["aims"].error_messages.update(
            required=f"Select at least one {aim} this {strategy.theme_label.lower()} serves",
            invalid_choice=f"Select {aims} of this strategy only",
            invalid_pk_value=f"Select {aims} of this strategy only",
        )
        self.helper = _helper(
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("vision"),
            Field.textarea("expected_outcomes"),
            Field.checkboxes("aims", legend_size=Size.SMALL),
        )
