"""Forms of "Councils" (superusers only): add a council, invite its first strategy lead."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from people.forms import InviteForm


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


class CouncilForm(forms.Form):
    name = forms.CharField(
        label="Council name",
        max_length=200,
        help_text="As it appears on committee reports, for example Cheshire East Council.",
        error_messages={"required": "Enter the council's name"},
    )
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        help_text="Where the public and councillors can write about the strategy.",
        error_messages={"invalid": "Enter an email address in the correct format, like digital@council.gov.uk"},
    )
    telephone = forms.CharField(label="Telephone number", required=False, max_length=50)
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address in the correct format, like https://www.council.gov.uk"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["telephone"].widget.attrs.update({"autocomplete": "off", "type": "tel"})
        self.helper = _helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.textarea("address", rows=3),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("telephone", field_width=Fluid.ONE_THIRD),
            Field.text("website", field_width=Fluid.TWO_THIRDS),
        )


class CouncilLeadForm(forms.Form):
    full_name = InviteForm.base_fields["full_name"]
    email = InviteForm.base_fields["email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.helper = _helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
        )
