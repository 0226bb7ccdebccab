"""Forms of "People and roles": invite a person, change roles, deactivate with the hand-over."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from accounts.models import Role
from people.selectors import ROLE_LABELS

ROLE_CHOICES = (
    Choice(
        Role.OFFICER, ROLE_LABELS[Role.OFFICER], hint="Owns or contributes to deliverables and records their progress."
    ),
    Choice(Role.BOARD, ROLE_LABELS[Role.BOARD], hint="Reviews progress updates: accepts them or sends them back."),
    Choice(Role.CLERK, ROLE_LABELS[Role.CLERK], hint="Produces and issues the committee progress reports."),
    Choice(Role.LEAD, ROLE_LABELS[Role.LEAD], hint="Sets up the strategy and manages its people and roles."),
)
SELECT_A_ROLE = "Select at least one role"


def roles_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": SELECT_A_ROLE, "invalid_choice": SELECT_A_ROLE},
    )


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter the person's full name"}
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email them a link to set a password and sign in.",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    roles = roles_field("Roles")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.helper = _helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.checkboxes("roles", legend_size=Size.SMALL),
        )


class RolesForm(forms.Form):
    roles = roles_field("Roles")

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].label = f"Roles of {person}"
        self.helper = _helper(Field.checkboxes("roles", legend_size=Size.MEDIUM))


class DeactivateForm(forms.Form):
    reassign_to = forms.ModelChoiceField(
        label="Who takes over their deliverables?",
        queryset=None,
        empty_label="Choose an officer",
        help_text="They become the owner of every deliverable this person owns.",
        error_messages={"required": "Choose who takes over their deliverables"},
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reassign_to"].queryset = officers
        self.helper = _helper(Field.select("reassign_to"))
