"""The "Linked strategies" form: checkboxes of the council's other strategies."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms


class LinkedStrategiesForm(forms.Form):
    linked = forms.ModelMultipleChoiceField(
        label="Which of the council's strategies is this one linked to?",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. The link shows on both strategies' pages. Leave all unticked for none.",
        error_messages={"invalid_choice": "Select one of the council's strategies",
                        "invalid_pk_value": "Select one of the council's strategies"},
    )  # fmt: skip

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linked"].queryset = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.checkboxes("linked", legend_size=Size.MEDIUM))
