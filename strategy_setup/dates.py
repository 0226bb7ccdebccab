"""The GOV.UK date input (crispy-forms-gds DateInputField) with messages that name the date, for setup forms."""

from __future__ import annotations

from crispy_forms_gds.fields import DateInputField
from django import forms

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class GovukDateField(DateInputField):
    """Day, month and year boxes. Each part is required once any is filled in (a half-typed date is an error,
    never silently blank), and every message says which date is wrong: "Enter the year of the due date"."""

    def __init__(self, *, label: str, what: str, required: bool = False, **kwargs):
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        super().__init__(label=label, required=required, require_all_fields=False, **kwargs)
        self.what = what
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"Enter the {what}"
        for part, name in zip(self.fields, ("day", "month", "year"), strict=True):
            part.required = True
            part.error_messages["incomplete"] = f"Enter the {name} of the {what}"
            part.error_messages["required"] = f"Enter the {name} of the {what}"
            part.validators[0].message = f"The {what} must be a real date, in numbers"

    def compress(self, data_list):
        try:
            day = super().compress(data_list)
        except forms.ValidationError as exc:
            raise forms.ValidationError(f"The {self.what} must be a real date") from exc
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise forms.ValidationError(f"The {self.what} must be a year between {EARLIEST_YEAR} and {LATEST_YEAR}")
        return day
