from __future__ import annotations

import datetime

from django.db import models
from django.db.models import JSONField, Value


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, month: datetime.date) -> int:
    return (month.year - start.year) * 12 + month.month - start.month


class Roadmap(models.Model):
    """An engineer's plan of actions, month by month. One per engineer, re-planned over time."""

    owner = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="roadmap")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role = models.ForeignKey("assessments.Role", on_delete=models.PROTECT, related_name="+")
    hours_per_week = models.PositiveSmallIntegerField()
    months = models.PositiveSmallIntegerField()
    # Month 1 of the plan; items are due in calendar months counted from here.
    start_month = models.DateField()
    # Bumped on every change, so a re-plan previewed before a change is refused rather than applied on top.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gte=1, hours_per_week__lte=40), name="roadmap_hours_1_40"
            ),
            models.CheckConstraint(condition=models.Q(months__gte=3, months__lte=12), name="roadmap_months_3_12"),
        ]

    def __str__(self) -> str:
        return f"Roadmap of {self.owner_id}"

    def month_date(self, number: int) -> datetime.date:
        return add_months(self.start_month, number - 1)

    def month_number(self, month: datetime.date) -> int:
        return months_between(self.start_month, month) + 1


class RoadmapItem(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        DOING = "doing", "Doing"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="items")
    # The action it came from; the text below is a frozen copy, so a later
    # framework change never rewrites a plan in progress.
    action = models.ForeignKey("assessments.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action_slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    description = models.TextField()
    done_when = models.TextField()
    competencies = models.JSONField(default=list)
    closes = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    hours = models.PositiveSmallIntegerField(help_text="Hours in all, over every month it runs in.")
    phase = models.CharField(max_length=40)
    month = models.DateField(help_text="First day of the month it starts in.")
    # An action longer than a month, or bigger than a month's hours, runs over consecutive months: one
    # item, one status, from ``month`` to ``end_month``, with its hours split as ``monthly_hours`` says.
    # Empty on rows made before spans (a migration fills them); read them through the properties below.
    end_month = models.DateField(null=True, blank=True, help_text="First day of the last month it runs in.")
    monthly_hours = models.JSONField(default=list, db_default=Value([], JSONField()), blank=True)
    # The level of each competency that doing it shows, frozen like the text: the roadmap's projection.
    shows = models.JSONField(default=dict, db_default=Value({}, JSONField()), blank=True)
    # One of the actions the target role's own article names as the way in.
    anchor = models.BooleanField(default=False, db_default=False)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    pinned = models.BooleanField(default=False)
    notes = models.TextField(blank=True, max_length=5000)
    done_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["roadmap", "action_slug"], name="roadmap_item_once")]
        indexes = [models.Index(fields=["roadmap", "month"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.TODO, self.Status.DOING)

    @property
    def last_month(self) -> datetime.date:
        return self.end_month or self.month

    @property
    def span(self) -> int:
        """How many months it runs in: 1 for most actions."""
        return months_between(self.month, self.last_month) + 1

    @property
    def spans(self) -> bool:
        return self.span > 1

    def hours_in(self, month: datetime.date) -> int:
        """Its share of the hours in ``month`` (0 outside its span)."""
        index = months_between(self.month, month)
        if not 0 <= index < self.span:
            return 0
        if len(self.monthly_hours) == self.span:
            return int(self.monthly_hours[index])
        # No split stored: the hours spread evenly, the first months taking what does not divide.
        share, extra = divmod(self.hours, self.span)
        return share + (1 if index < extra else 0)

    def runs_in(self, month: datetime.date) -> bool:
        return self.month <= month <= self.last_month


class EvidenceLink(models.Model):
    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url


class Comment(models.Model):
    """A mentor's or the engineer's comment on a roadmap, or on one item of it. Plain text."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    author = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    # A reply belongs to the thread of the comment it answers.
    # If the comment answered is deleted (or its author leaves), the replies stay as their own threads.
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["roadmap", "item"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id}"
