from __future__ import annotations

from django.db import models
from django.db.models import JSONField, Value

# The framework tables are a copy of the YAML files in framework/, written only
# by the load_framework command. They exist so that answers and roadmap items
# can point at rows, and so the admin can show the framework.


class FrameworkVersion(models.Model):
    version = models.CharField(max_length=20, unique=True)
    changelog = models.JSONField(default=list, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return self.version


class Competency(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField()
    why = models.TextField()
    levels = models.JSONField(help_text="Five descriptions, level 0 to 4.")
    evidence_prompt = models.TextField()
    sources = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    class Kind(models.TextChoices):
        BEHAVIOUR = "behaviour", "Behavioural self-rating"
        SCENARIO = "scenario", "Scenario"

    slug = models.SlugField(max_length=80, unique=True)
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    prompt = models.TextField()
    options = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # An item that has been answered is never deleted, only retired, so old
    # assessments keep their meaning.
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["competency__position", "position"]

    def __str__(self) -> str:
        return self.slug


class Role(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField()
    sources = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Requirement(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="requirements")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="requirements")
    level = models.PositiveSmallIntegerField()
    weight = models.FloatField()
    why = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["role__position", "competency__position"]
        constraints = [models.UniqueConstraint(fields=["role", "competency"], name="requirement_unique")]

    def __str__(self) -> str:
        return f"{self.role.slug}: {self.competency.slug} ≥ {self.level}"


class Action(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField()
    competencies = models.ManyToManyField(Competency, related_name="actions")
    hours = models.PositiveSmallIntegerField()
    # The planner's view of the action, copied from the framework file (see content.Action).
    # Database defaults too, so adding the columns to a table in use needs no rewrite and no lock.
    builds = models.JSONField(default=dict, db_default=Value({}, JSONField()), blank=True)
    weeks = models.PositiveSmallIntegerField(default=1, db_default=1)
    anchor_for = models.JSONField(default=list, db_default=Value([], JSONField()), blank=True)
    once_ready = models.BooleanField(default=False, db_default=False)
    hands_on = models.BooleanField(default=False, db_default=False)
    phase = models.CharField(max_length=40)
    requires = models.ManyToManyField("self", symmetrical=False, related_name="required_by", blank=True)
    done_when = models.TextField()
    sources = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class Assessment(models.Model):
    class Mode(models.TextChoices):
        FULL = "full", "Full questionnaire"
        QUICK = "quick", "Quick self-rating"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        FINISHED = "finished", "Finished"

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="assessments")
    # None means "not sure yet": the results then lead with the best-fitting role.
    role = models.ForeignKey(Role, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.FULL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    framework_version = models.CharField(max_length=20)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The scored result, frozen when the assessment is finished, so dashboards
    # and history read one row instead of re-scoring every answer.
    result = models.JSONField(null=True, blank=True)
    readiness = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "status", "-finished_at"])]

    def __str__(self) -> str:
        return f"Assessment {self.pk} of {self.owner_id}"

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    choice = models.PositiveSmallIntegerField(help_text="Index of the chosen option.")
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="answer_one_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: option {self.choice}"


class Rating(models.Model):
    """A quick-mode answer: the engineer rates a competency directly, 0 to 4."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "competency"], name="rating_one_per_competency"),
            models.CheckConstraint(condition=models.Q(level__lte=4), name="rating_level_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}: {self.level}"


class Evidence(models.Model):
    """Optional free text per competency: a link or an example. Private unless shared."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "competency"], name="evidence_one_per_competency")]

    def __str__(self) -> str:
        return f"Evidence for {self.competency_id}"


class ManagerRating(models.Model):
    """A manager's view of a report's competency, on the same 0–4 scale, beside the engineer's own."""

    engineer = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="manager_ratings")
    manager = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engineer", "manager", "competency"], name="manager_rating_once"),
            models.CheckConstraint(condition=models.Q(level__lte=4), name="manager_rating_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} rates {self.engineer_id} {self.competency_id}: {self.level}"
