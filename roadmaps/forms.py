from __future__ import annotations

from typing import Any

from django import forms

from roadmaps.services import DEFAULT_HOURS_PER_WEEK, DEFAULT_MONTHS


class PlanSettingsForm(forms.Form):
    hours_per_week = forms.IntegerField(
        label="Hours a week you can give",
        min_value=1,
        max_value=40,
        initial=DEFAULT_HOURS_PER_WEEK,
        help_text="Between 1 and 40. Be honest: a plan that fits your weeks is one you will finish.",
        error_messages={
            "min_value": "Give at least 1 hour a week.",
            "max_value": "40 hours a week is the most a plan can assume.",
            "invalid": "Enter a whole number of hours, like 5.",
            "required": "Enter the hours a week you can give.",
        },
    )
    months = forms.IntegerField(
        label="Over how many months",
        min_value=3,
        max_value=12,
        initial=DEFAULT_MONTHS,
        help_text="Between 3 and 12 months.",
        error_messages={
            "min_value": "A plan covers at least 3 months.",
            "max_value": "A plan covers at most 12 months; re-plan after that.",
            "invalid": "Enter a whole number of months, like 6.",
            "required": "Enter the number of months.",
        },
    )
    hours_per_week.widget.attrs.update({"inputmode": "numeric"})
    months.widget.attrs.update({"inputmode": "numeric"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # Always pointed at the message slot: the live preview fills it without redrawing the field.
            auto_id = self[name].auto_id
            field.widget.attrs["aria-describedby"] = f"{auto_id}_helptext {auto_id}_error"
