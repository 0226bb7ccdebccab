from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from api import services
from reports.forms import MeetingDateField


class ExpiryDateField(MeetingDateField):
    """The GOV.UK date input with the Design System's messages, as for the date of a meeting."""

    NAME = "The date the token expires"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["required"] = "Enter the date the token expires"


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you can tell your tokens apart. For example, Finance system feed.",
        error_messages={"required": "Enter a name for the token"},
    )
    expires_on = ExpiryDateField(label="When should the token expire?", help_text="At most a year from today. "
                                 "For example, 31 3 2027")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS), Field("expires_on", legend_size=Size.SMALL)
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name for the token")
        return name

    def clean_expires_on(self):
        expires_on = self.cleaned_data.get("expires_on")
        if problem := services.expiry_problem(expires_on):
            raise forms.ValidationError(problem)
        return expires_on
