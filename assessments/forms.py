from __future__ import annotations

from django import forms

from assessments.models import Assessment, Role

NOT_SURE = "not-sure"


class StartForm(forms.Form):
    role = forms.ChoiceField(
        label="Which role are you aiming for?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a role, or “Not sure yet”.",
            "invalid_choice": "Choose one of the roles listed.",
        },
    )
    mode = forms.ChoiceField(
        label="How would you like to answer?",
        choices=Assessment.Mode.choices,
        initial=Assessment.Mode.FULL,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the full questionnaire or the quick self-rating."},
    )

    def __init__(self, *args, roles: list[Role], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roles = {role.slug: role for role in roles}
        choices = [(role.slug, role.name) for role in roles] + [(NOT_SURE, "Not sure yet")]
        self.fields["role"].choices = choices  # type: ignore[attr-defined]

    def chosen_role(self) -> Role | None:
        return self.roles.get(self.cleaned_data["role"])
