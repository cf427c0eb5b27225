"""Realistic data for the benchmark, written in bulk through the real models.

Every engineer answers the whole questionnaire; the answers are scored by the real
engine (``assessments.scoring.score``) and the roadmap is made by the real planner
(``roadmaps.planning.plan``), in-process and in bulk rather than through the views.
The first ``subjects`` engineers are the ones the benchmark requests pages for: each
of them is guaranteed every kind of data (a previous assessment, a re-assessment in
progress, a roadmap with progress, a mentor and their comments, manager ratings), so
that the pages measured are the pages real people see, not empty ones.

Deterministic: the same size and seed give the same people, answers and plans
(dates count from today).
"""

from __future__ import annotations

import datetime
import multiprocessing
import random
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django import db
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from assessments import content, scoring
from assessments.models import Action, Answer, Assessment, Competency, Evidence, Item, ManagerRating, Role
from roadmaps import planning
from roadmaps.models import Comment, EvidenceLink, Roadmap, RoadmapItem, add_months, month_start
from transition.accounts.models import Notification, Share, User

# Every seeded person signs in with this password (the benchmark uses sessions, not the login form).
PASSWORD = "bench-password-not-a-secret"  # noqa: S105 - a documented fixture, only in the bench databases
DOMAIN = "bench.invalid"
BATCH = 2000
CHUNK = 250  # engineers computed and written per transaction
# The competency whose questionnaire section the benchmark opens and answers in.
SECTION = "stakeholder-communication"


@dataclass(frozen=True)
class Size:
    engineers: int
    managers: int
    mentors: int
    reports: int = 20  # reports of a "full" manager; the others have between half and as many
    full_managers: int = 1  # managers with exactly ``reports`` reports (the dashboard's subjects)
    subjects: int = 20  # engineers the benchmark requests pages for
    extras: int = 5  # comments, links, ratings and evidence on each subject's data
    mentored: float = 0.35  # share of the other engineers who have a mentor
    seed: int = 2026


SIZES: dict[str, Size] = {
    "small": Size(engineers=50, managers=3, mentors=3, full_managers=2),
    "large": Size(engineers=10_000, managers=500, mentors=200, full_managers=10),
}

# Names for the seeded people (first name, last name), combined at random.
FIRST: tuple[str, ...] = ("Ada", "Alan", "Barbara", "Carlos", "Chen", "Dana", "Emeka", "Fatima", "Grace", "Hiro")
FIRST += ("Ines", "Jonas", "Kofi", "Lena", "Maya", "Nadia", "Omar", "Priya", "Ravi", "Sofia", "Tariq", "Uma", "Yara")
LAST: tuple[str, ...] = ("Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen")
LAST += ("Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Sato", "Tanaka", "Weber")


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible made-up data, never a secret


def email(prefix: str, kind: str, number: int) -> str:
    return f"{prefix}-{kind}-{number:05d}@{DOMAIN}"


class Progress:
    """A progress bar on stderr: no dependency, one line redrawn."""

    def __init__(self, total: int, label: str, stream: Any = None) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        elapsed = time.monotonic() - self.started
        share = self.done / self.total if self.total else 1.0
        eta = elapsed / share - elapsed if share else 0.0
        bar = "#" * int(30 * share)
        self.stream.write(
            f"\r  {self.label} [{bar:<30}] {100 * share:5.1f}% {self.done}/{self.total}"
            f"  {elapsed:6.1f}s elapsed, {eta:5.0f}s to go"
        )
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


@contextmanager
def _timestamps_as_given() -> Iterator[None]:
    """Let bulk_create keep the dates the seeder chose, instead of stamping every row with now.

    Seeded history needs dates in the past (finished two months ago, stalled for six weeks).
    Only this process is affected, and only while seeding.
    """
    switched = []
    for model in (
        Assessment,
        Answer,
        Evidence,
        ManagerRating,
        Roadmap,
        RoadmapItem,
        EvidenceLink,
        Comment,
        Notification,
    ):
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                switched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- the pure part: one engineer's answers, results and plan -------------------------------------------


@dataclass
class Profile:
    index: int
    role: str | None
    answers: dict[str, int]
    result: dict
    previous_answers: dict[str, int] | None
    previous_result: dict | None
    in_progress_answers: dict[str, int] | None
    hours_per_week: int
    months: int
    elapsed: int  # months since the roadmap started
    plan: list[tuple[int, int, str, tuple[str, ...], str]] | None  # (month, position, action, closes, reason)
    extra: dict[str, Any] = field(default_factory=dict)


def _choose_answers(framework: content.Framework, rng: random.Random, talent: float) -> dict[str, int]:
    answers: dict[str, int] = {}
    for comp in framework.competencies:
        level = min(4.0, max(0.0, rng.gauss(talent, 0.9)))
        for item in comp.items:
            # Self-ratings run a little ahead of judgement, so some blind spots appear.
            target = level + rng.gauss(0, 0.6) + (0.4 if item.kind == "behaviour" else 0.0)
            scores = [option.score for option in item.options]
            answers[item.slug] = min(range(len(scores)), key=[abs(x - target) for x in scores].__getitem__)
    return answers


def make_profile(size: Size, index: int, is_subject: bool) -> Profile:
    """Everything computed for one engineer, from a generator seeded by their number alone."""
    framework = content.get_framework()
    rng = _rng(size.seed * 1_000_003 + index)
    roles = [r.slug for r in framework.roles]
    role = rng.choice(roles) if (is_subject or rng.random() > 0.1) else None
    talent = rng.uniform(0.6, 3.4)
    answers = _choose_answers(framework, rng, talent)
    result = scoring.score(framework, scoring.Answers(items=answers), role)
    previous_answers = previous_result = None
    if is_subject or rng.random() < 0.3:
        previous_answers = _choose_answers(framework, rng, max(0.0, talent - 0.6))
        previous_result = scoring.score(framework, scoring.Answers(items=previous_answers), role).model_dump(
            mode="json"
        )
    in_progress = None
    if is_subject or rng.random() < 0.15:
        in_progress = dict(answers)
        for slug in rng.sample(sorted(in_progress), 10):
            _, item = framework.item_by_slug[slug]
            in_progress[slug] = rng.randrange(len(item.options))
    hours = 3 + size.extras if is_subject else rng.choice([2, 3, 4, 5, 5, 6, 8, 10])
    months = 6 if is_subject else rng.choice([3, 6, 6, 9, 12])
    elapsed = 2 if is_subject else rng.randint(0, min(months - 1, 5))
    planned = None
    if is_subject or rng.random() < 0.9:
        # As roadmaps.services does: the stored levels against the result's role; an action that
        # spans months is one item, in its first month.
        p = planning.plan(framework, role=result.role, levels=result.levels, hours_per_week=hours, months=months)
        planned = [
            (month.month, position, item.action, item.closes, item.reason)
            for month in p.months
            for position, item in enumerate(month.items)
            if item.start == month.month
        ]
    return Profile(
        index=index,
        role=role,
        answers=answers,
        result=result.model_dump(mode="json"),
        previous_answers=previous_answers,
        previous_result=previous_result,
        in_progress_answers=in_progress,
        hours_per_week=hours,
        months=months,
        elapsed=elapsed,
        plan=planned,
    )


def _profiles_of(args: tuple[Size, int, int, int]) -> list[Profile]:
    size, start, stop, subjects = args
    return [make_profile(size, i, i < subjects) for i in range(start, stop)]


# --- the database part ----------------------------------------------------------------------------------


@dataclass
class _Lookups:
    items: dict[str, int]
    competencies: dict[str, int]
    competency_ids: list[int]
    roles: dict[str, int]
    actions: dict[str, Action]
    version: str


def _names(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _create_users(prefix: str, size: Size, password_hash: str) -> tuple[list[User], list[User], list[User]]:
    rng = _rng(size.seed)
    joined = timezone.now() - datetime.timedelta(days=400)
    groups = []
    for kind, count in (("engineer", size.engineers), ("manager", size.managers), ("mentor", size.mentors)):
        users = [
            User(email=email(prefix, kind, i), name=_names(rng), password=password_hash, date_joined=joined)
            for i in range(count)
        ]
        groups.append(User.objects.bulk_create(users, batch_size=BATCH))
    return groups[0], groups[1], groups[2]


def _assign_managers(size: Size, rng: random.Random) -> dict[int, int]:
    """Engineer index -> manager index: full managers first (the subjects are manager 0's reports)."""
    assigned: dict[int, int] = {}
    nxt = 0
    for m in range(size.managers):
        count = size.reports if m < size.full_managers else rng.randint(max(1, size.reports // 2), size.reports)
        for e in range(nxt, min(nxt + count, size.engineers)):
            assigned[e] = m
        nxt += count
        if nxt >= size.engineers:
            break
    return assigned


def _share(engineer: User, person: User, relation: str, rng: random.Random, now: datetime.datetime) -> Share:
    accepted = now - datetime.timedelta(days=rng.randint(30, 300))
    return Share(
        engineer=engineer,
        person=person,
        email=person.email,
        relation=relation,
        include_private=rng.random() < 0.3,
        status=Share.Status.ACTIVE,
        expires_at=accepted + datetime.timedelta(days=7),
        accepted_at=accepted,
    )


def _status(rng: random.Random, month: datetime.date, this_month: datetime.date) -> str:
    s = RoadmapItem.Status
    roll = rng.random()
    if month < this_month:
        return s.DONE if roll < 0.7 else s.SKIPPED if roll < 0.78 else s.DOING if roll < 0.85 else s.TODO
    if month == this_month:
        return s.DONE if roll < 0.3 else s.DOING if roll < 0.6 else s.TODO
    return s.DONE if roll < 0.05 else s.TODO


def _write_chunk(
    profiles: Sequence[Profile],
    size: Size,
    lookups: _Lookups,
    engineers: list[User],
    managers_of: dict[int, User],
    mentors_of: dict[int, User],
    now: datetime.datetime,
) -> int:
    """Write the assessments, answers, roadmaps and conversation of these engineers; return rows written."""
    framework = content.get_framework()
    this_month = month_start(timezone.localdate(now))
    rows = 0

    def assessment(p: Profile, status: str, result: dict | None, finished: datetime.datetime | None, **kw: Any):
        created = (finished or now) - datetime.timedelta(days=1)
        return Assessment(
            owner=engineers[p.index],
            role_id=lookups.roles[p.role] if p.role else None,
            mode=Assessment.Mode.FULL,
            status=status,
            framework_version=lookups.version,
            created_at=created,
            updated_at=finished or now - datetime.timedelta(hours=p.index % 72),
            finished_at=finished,
            result=result,
            readiness=result["readiness"] if result else None,
            **kw,
        )

    def answers(a: Assessment, chosen: dict[str, int], at: datetime.datetime) -> list[Answer]:
        return [Answer(assessment=a, item_id=lookups.items[s], choice=c, answered_at=at) for s, c in chosen.items()]

    with transaction.atomic():
        rngs = {p.index: _rng(size.seed * 7_919 + p.index) for p in profiles}
        finished_at = {p.index: now - datetime.timedelta(days=rngs[p.index].randint(5, 75)) for p in profiles}
        previous = {
            p.index: assessment(
                p,
                Assessment.Status.FINISHED,
                p.previous_result,
                finished_at[p.index] - datetime.timedelta(days=rngs[p.index].randint(90, 200)),
            )
            for p in profiles
            if p.previous_result is not None
        }
        Assessment.objects.bulk_create(previous.values(), batch_size=BATCH)
        latest = {
            p.index: assessment(
                p, Assessment.Status.FINISHED, p.result, finished_at[p.index], previous=previous.get(p.index)
            )
            for p in profiles
        }
        Assessment.objects.bulk_create(latest.values(), batch_size=BATCH)
        open_ = {
            p.index: assessment(p, Assessment.Status.IN_PROGRESS, None, None, previous=latest[p.index])
            for p in profiles
            if p.in_progress_answers is not None
        }
        Assessment.objects.bulk_create(open_.values(), batch_size=BATCH)

        all_answers: list[Answer] = []
        evidence: list[Evidence] = []
        for p in profiles:
            rng = rngs[p.index]
            if p.index in previous:
                all_answers += answers(
                    previous[p.index], p.previous_answers or {}, previous[p.index].finished_at or now
                )
            all_answers += answers(latest[p.index], p.answers, finished_at[p.index])
            if p.index in open_:
                all_answers += answers(open_[p.index], p.in_progress_answers or {}, now)
            count = size.extras if p.index < size.subjects else (rng.randint(1, 4) if rng.random() < 0.2 else 0)
            for comp_id in rng.sample(lookups.competency_ids, count):
                text = f"Example: led the design review for our retrieval service (seeded evidence {p.index})."
                for a in [latest[p.index]] + ([open_[p.index]] if p.index in open_ else []):
                    evidence.append(Evidence(assessment=a, competency_id=comp_id, text=text, updated_at=now))
        Answer.objects.bulk_create(all_answers, batch_size=BATCH)
        Evidence.objects.bulk_create(evidence, batch_size=BATCH)
        rows += len(previous) + len(latest) + len(open_) + len(all_answers) + len(evidence)

        ratings = []
        for p in profiles:
            manager = managers_of.get(p.index)
            rng = rngs[p.index]
            if manager is None or (p.index >= size.subjects and rng.random() > 0.4):
                continue
            count = size.extras if p.index < size.subjects else rng.randint(3, 6)
            for comp_id in rng.sample(lookups.competency_ids, count):
                ratings.append(
                    ManagerRating(
                        engineer=engineers[p.index],
                        manager=manager,
                        competency_id=comp_id,
                        level=rng.randint(0, 4),
                        comment="Seen this in the last design review." if rng.random() < 0.5 else "",
                        updated_at=now,
                    )
                )
        ManagerRating.objects.bulk_create(ratings, batch_size=BATCH)
        rows += len(ratings)

        roadmaps = {}
        for p in profiles:
            if p.plan is None:
                continue
            result = latest[p.index].result or {}
            roadmaps[p.index] = Roadmap(
                owner=engineers[p.index],
                assessment=latest[p.index],
                role_id=lookups.roles[result["role"]],
                hours_per_week=p.hours_per_week,
                months=p.months,
                start_month=add_months(this_month, -p.elapsed),
                version=1 + p.index % 40,
                created_at=finished_at[p.index],
                updated_at=now,
            )
        Roadmap.objects.bulk_create(roadmaps.values(), batch_size=BATCH)
        items: dict[int, list[RoadmapItem]] = {}
        for p in profiles:
            roadmap = roadmaps.get(p.index)
            if roadmap is None or p.plan is None:
                continue
            rng = rngs[p.index]
            items[p.index] = []
            for month, position, slug, closes, reason in p.plan:
                action = framework.action_by_slug[slug]
                due = add_months(roadmap.start_month, month - 1)
                status = _status(rng, due, this_month)
                done_on = min(timezone.localdate(now), due + datetime.timedelta(days=rng.randint(3, 27)))
                # The same copy of the action that roadmaps.services writes, so the pages show real text.
                items[p.index].append(
                    RoadmapItem(
                        roadmap=roadmap,
                        action=lookups.actions.get(slug),
                        action_slug=slug,
                        title=action.title,
                        description=action.description,
                        done_when=action.done_when,
                        competencies=list(action.competencies),
                        closes=list(closes),
                        reason=reason,
                        sources=[c.model_dump() for c in action.sources],
                        hours=action.hours,
                        phase=action.phase,
                        month=due,
                        position=position,
                        status=status,
                        pinned=rng.random() < 0.05,
                        notes="Booked the session; notes in the team wiki." if rng.random() < 0.15 else "",
                        done_on=done_on if status == RoadmapItem.Status.DONE else None,
                        updated_at=now - datetime.timedelta(days=rng.randint(0, 50)),
                    )
                )
        RoadmapItem.objects.bulk_create([i for group in items.values() for i in group], batch_size=BATCH)
        rows += len(roadmaps) + sum(len(g) for g in items.values())

        links = []
        for index, group in items.items():
            rng = rngs[index]
            for n, item in enumerate(group):
                wanted = 0
                if index < size.subjects and n == target_item_index(group, this_month):
                    wanted = size.extras
                elif item.status == RoadmapItem.Status.DONE and rng.random() < 0.3:
                    wanted = rng.randint(1, 2)
                links += [
                    EvidenceLink(
                        item=item, url=f"https://wiki.example.com/{index}/{item.action_slug}/{k}", created_at=now
                    )
                    for k in range(wanted)
                ]
        EvidenceLink.objects.bulk_create(links, batch_size=BATCH)
        rows += len(links)

        rows += _write_conversation(profiles, size, engineers, mentors_of, roadmaps, items, rngs, now, this_month)
    return rows


def target_item_index(items: Sequence[RoadmapItem], this_month: datetime.date) -> int:
    """The item a subject's benchmark works on: the first of this month's focus, else the first."""
    return next((n for n, i in enumerate(items) if i.month == this_month), 0)


def _write_conversation(
    profiles: Sequence[Profile],
    size: Size,
    engineers: list[User],
    mentors_of: dict[int, User],
    roadmaps: dict[int, Roadmap],
    items: dict[int, list[RoadmapItem]],
    rngs: dict[int, random.Random],
    now: datetime.datetime,
    this_month: datetime.date,
) -> int:
    roots: list[tuple[Comment, int]] = []  # (comment, replies wanted)
    for p in profiles:
        mentor, roadmap = mentors_of.get(p.index), roadmaps.get(p.index)
        if mentor is None or roadmap is None:
            continue
        rng, group = rngs[p.index], items[p.index]
        if p.index < size.subjects:
            targets = [group[target_item_index(group, this_month)]] * size.extras + [None]
        else:
            targets = [rng.choice([None, *group]) for _ in range(rng.randint(0, 4))]
        for n, item in enumerate(targets):
            at = now - datetime.timedelta(days=30 - n, hours=rng.randint(0, 20))
            body = "Good choice for this month. What would make it count as done for your manager?"
            comment = Comment(roadmap=roadmap, item=item, author=mentor, body=body, created_at=at)
            roots.append((comment, 1 if p.index < size.subjects else rng.randint(0, 2)))
    Comment.objects.bulk_create([c for c, _ in roots], batch_size=BATCH)
    replies, notifications = [], []
    by_roadmap = {r.pk: index for index, r in roadmaps.items()}
    for root, wanted in roots:
        index = by_roadmap[root.roadmap_id]
        engineer, mentor = engineers[index], mentors_of[index]
        rng = rngs[index]
        notifications.append(
            Notification(
                recipient=engineer,
                actor=mentor,
                kind=Notification.Kind.COMMENT,
                text=f"{mentor.name} commented on your roadmap.",
                url=f"/roadmap/{root.roadmap_id}/#comment-{root.pk}",
                created_at=root.created_at,
                read_at=None if (index < size.subjects or rng.random() < 0.3) else now,
            )
        )
        for k in range(wanted):
            author = engineer if k % 2 == 0 else mentor
            replies.append(
                Comment(
                    roadmap_id=root.roadmap_id,
                    item_id=root.item_id,
                    author=author,
                    parent=root,
                    body="Thanks, I will write the one-page summary first and share it on Friday.",
                    created_at=root.created_at + datetime.timedelta(hours=3 + k),
                )
            )
    Comment.objects.bulk_create(replies, batch_size=BATCH)
    Notification.objects.bulk_create(notifications, batch_size=BATCH)
    return len(roots) + len(replies) + len(notifications)


def seed(size: Size, prefix: str = "bench", *, workers: int = 1, progress: bool = True) -> dict[str, float]:
    """Seed ``size`` into the default database (the framework must be loaded). Returns row counts."""
    if User.objects.filter(email__startswith=f"{prefix}-").exists():
        raise ValueError(f"people named {prefix}-… are already seeded here; seed into a fresh database")
    started = time.monotonic()
    now = timezone.now()
    framework = content.get_framework()
    lookups = _Lookups(
        items=dict(Item.objects.values_list("slug", "pk")),
        competencies=dict(Competency.objects.values_list("slug", "pk")),
        competency_ids=list(Competency.objects.order_by("position").values_list("pk", flat=True)),
        roles=dict(Role.objects.values_list("slug", "pk")),
        actions=Action.objects.in_bulk(field_name="slug"),
        version=framework.version,
    )
    missing = [i.slug for c in framework.competencies for i in c.items if i.slug not in lookups.items]
    if missing:
        raise ValueError(f"the framework is not loaded (missing items such as {missing[0]}): run load_framework")
    # Hashed once: the same known password for everyone, without paying the hasher 10,000 times.
    password_hash = make_password(PASSWORD)
    rng = _rng(size.seed)
    subjects = min(size.subjects, size.engineers)
    with _timestamps_as_given():
        with transaction.atomic():
            engineers, managers, mentors = _create_users(prefix, size, password_hash)
            managers_of = {e: managers[m] for e, m in _assign_managers(size, rng).items()}
            mentors_of = {
                e: mentors[e % size.mentors if e < subjects else rng.randrange(size.mentors)]
                for e in range(size.engineers)
                if size.mentors and (e < subjects or rng.random() < size.mentored)
            }
            shares = [_share(engineers[e], m, Share.Relation.MANAGER, rng, now) for e, m in managers_of.items()]
            shares += [_share(engineers[e], m, Share.Relation.MENTOR, rng, now) for e, m in mentors_of.items()]
            Share.objects.bulk_create(shares, batch_size=BATCH)
        bar = Progress(size.engineers, "engineers") if progress else None
        chunks = [
            (size, start, min(start + CHUNK, size.engineers), subjects) for start in range(0, size.engineers, CHUNK)
        ]
        rows = len(engineers) + len(managers) + len(mentors) + len(shares)
        if workers > 1 and len(chunks) > 1:
            # Scoring is pure and CPU-bound: the other core computes the next chunks while this one writes.
            # The children never touch the database; closing first keeps them from sharing its socket.
            db.connections.close_all()
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for profiles in pool.imap(_profiles_of, chunks):
                    rows += _write_chunk(profiles, size, lookups, engineers, managers_of, mentors_of, now)
                    if bar:
                        bar.advance(len(profiles))
        else:
            for chunk in chunks:
                profiles = _profiles_of(chunk)
                rows += _write_chunk(profiles, size, lookups, engineers, managers_of, mentors_of, now)
                if bar:
                    bar.advance(len(profiles))
    counts = {
        "users": User.objects.filter(email__startswith=f"{prefix}-").count(),
        "assessments": Assessment.objects.filter(owner__email__startswith=f"{prefix}-").count(),
        "answers": Answer.objects.filter(assessment__owner__email__startswith=f"{prefix}-").count(),
        "roadmap_items": RoadmapItem.objects.filter(roadmap__owner__email__startswith=f"{prefix}-").count(),
        "comments": Comment.objects.filter(roadmap__owner__email__startswith=f"{prefix}-").count(),
        "rows_written": rows,
        "seconds": round(time.monotonic() - started, 1),
    }
    return counts
