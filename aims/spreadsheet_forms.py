"""The "Upload a spreadsheet" form: one XLSX file, checked by its content and read before anything is kept."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from aims import spreadsheets
from aims.models import Strategy


class SpreadsheetUploadForm(forms.Form):
    spreadsheet = forms.FileField(
        label="Choose the spreadsheet",
        help_text="The strategy's spreadsheet (.xlsx), changed in Excel or LibreOffice, smaller than 5 MB.",
        error_messages={"required": "Select a spreadsheet"},
    )

    def __init__(self, *args, strategy: Strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        self.data_bytes: bytes = b""
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(Field("spreadsheet"))

    def clean_spreadsheet(self):
        upload = self.cleaned_data["spreadsheet"]
        if upload.size > spreadsheets.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The spreadsheet must be smaller than 5 MB")
        data = upload.read()
        try:
            spreadsheets.check_upload(data=data, name=upload.name)
            spreadsheets.read_workbook(strategy=self.strategy, data=data)
        except spreadsheets.SpreadsheetError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.data_bytes = data
        return upload
