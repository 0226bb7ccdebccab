"""The "Council details" form: the council's logo for committee reports and the strategy's responsible officer."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from aims.logos import LogoError, logo_check


class CouncilDetailsForm(forms.Form):
    responsible_officer = forms.CharField(
        label="Report of",
        max_length=200,
        required=False,
        help_text="The officer committee reports on this strategy are of, for example Director of Digital. "
        "It fills in “Report of” on new progress reports.",
    )
    logo = forms.FileField(
        label="Upload the council's logo",
        required=False,
        help_text="A PNG or JPEG file, smaller than 2 MB. It is printed at the top of committee reports.",
    )
    logo_alt_text = forms.CharField(
        label="Alternative text for the logo",
        max_length=200,
        required=False,
        help_text="What the logo says, for people who cannot see it, for example Cheshire East Council.",
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    def __init__(self, *args, has_logo: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_logo = has_logo
        self.logo_png: bytes | None = None
        fields = [
            Field.text("responsible_officer", field_width=Fluid.TWO_THIRDS),
            Field("logo"),
            Field.text("logo_alt_text", field_width=Fluid.TWO_THIRDS),
        ]
        if has_logo:
            fields.append(Field.checkbox("remove_logo", small=True))
        else:
            del self.fields["remove_logo"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(*fields)

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            try:
                self.logo_png = logo_check(upload)
            except LogoError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean(self):
        data = super().clean()
        keeps_logo = self.logo_png is not None or (self.has_logo and not data.get("remove_logo"))
        if keeps_logo and not (data.get("logo_alt_text") or "").strip() and "logo" not in self.errors:
            self.add_error("logo_alt_text", "Enter the logo's alternative text")
        if self.logo_png is not None and self.errors:
            # A browser never sends a file again: say so rather than lose it silently.
            self.add_error("logo", "Choose the logo file again: it was not saved because of the other problem")
        return data
