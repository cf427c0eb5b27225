"""Comments on a roadmap or one of its items: a conversation between the engineer and their mentors."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Subquery
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import urlize
from django.utils.safestring import SafeString

from roadmaps.models import Comment, Roadmap, RoadmapItem
from transition.accounts.models import Notification, User
from transition.accounts.services import notify
from transition.lib import statements
from transition.lib.formatting import stamp
from transition.lib.statements import insert
from transition.lib.text import NUL_MESSAGE

BODY_MAX = 4000


class CommentError(ValueError):
    pass


def _clean(body: str) -> str:
    body = body.strip()
    if not body:
        raise CommentError("Write something before posting.")
    if "\x00" in body:
        raise CommentError(f"Comment not posted. {NUL_MESSAGE}")
    if len(body) > BODY_MAX:
        raise CommentError(f"Keep comments under {BODY_MAX} characters (this one has {len(body)}).")
    return body


def comment_url(comment: Comment, for_user: User) -> str:
    roadmap = comment.roadmap
    if comment.item_id is not None:
        # The roadmap page reads an item's threads only when they are opened, so the comment is found
        # on the item's comments page (the same for the engineer and their mentors), not on the roadmap.
        return reverse("roadmaps:item_comments", args=[roadmap.pk, comment.item_id]) + f"#comment-{comment.pk}"
    if for_user.pk == roadmap.owner_id:
        base = reverse("roadmaps:detail", args=[roadmap.pk])
    else:
        # The mentor's read-only view of the roadmap: named by its route, as the team app serves it.
        base = reverse("team:person_roadmap", args=[roadmap.owner_id])
    return f"{base}#comment-{comment.pk}"


@transaction.atomic
def comment_create(
    *, roadmap: Roadmap, author: User, body: str, item: RoadmapItem | None = None, parent: Comment | None = None
) -> Comment:
    body = _clean(body)
    if item is not None and item.roadmap_id != roadmap.pk:
        raise CommentError("That item is not on this roadmap.")
    if parent is not None:
        if parent.roadmap_id != roadmap.pk:
            raise CommentError("That comment is not on this roadmap.")
        # Replies stay one level deep: a reply to a reply joins the same thread.
        parent = parent.parent or parent
        item = parent.item
    comment = insert(Comment(roadmap=roadmap, item=item, author=author, parent=parent, body=body))
    where = f"“{item.title}”" if item else "your roadmap"
    where_for_replier = where if author.pk != roadmap.owner_id else "their roadmap"
    if parent is not None and parent.author_id != author.pk:
        notify(
            recipient=parent.author,
            actor=author,
            kind=Notification.Kind.REPLY,
            text=f"{author.name} replied to your comment on {where_for_replier}.",
            url=comment_url(comment, parent.author),
        )
    if author.pk != roadmap.owner_id and (parent is None or parent.author_id != roadmap.owner_id):
        notify(
            recipient=roadmap.owner,
            actor=author,
            kind=Notification.Kind.COMMENT,
            text=f"{author.name} commented on {where}.",
            url=comment_url(comment, roadmap.owner),
        )
    return comment


def comment_edit(*, comment: Comment, author: User, body: str) -> Comment:
    if comment.author_id != author.pk:
        raise CommentError("Only the author can edit a comment.")
    comment.body = _clean(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_delete(*, comment: Comment, author: User) -> None:
    if comment.author_id != author.pk:
        raise CommentError("Only the author can delete a comment.")
    comment.delete()


# A thread is drawn on every roadmap load and written rarely, and urlize was much of its cost
# (make bench); it depends only on the text, so each process keeps the last thousand.
# 1,024 at most: a body is up to 4,000 characters, and its HTML more.
@functools.lru_cache(maxsize=1024)
def _body_html(body: str) -> SafeString:
    return linebreaksbr(urlize(body, nofollow=True, autoescape=True), autoescape=False)


def _prepare(comment: Comment) -> Comment:
    """What the thread template shows of a comment, worked out once per text and time."""
    comment.body_html = _body_html(comment.body)  # type: ignore[attr-defined]
    comment.stamp = stamp(comment.created_at, "j M Y, H:i")  # type: ignore[attr-defined]
    return comment


@dataclass
class Thread:
    root: Comment
    replies: list[Comment] = field(default_factory=list)


@dataclass
class Threads:
    roadmap: list[Thread]
    by_item: dict[int, list[Thread]]
    all: list[Thread] = field(default_factory=list)  # in the order they were started


def _comments(roadmap: Roadmap) -> QuerySet[Comment]:
    return Comment.objects.filter(roadmap=roadmap).select_related("author").order_by("created_at", "pk")


def threads_for(roadmap: Roadmap, item: RoadmapItem | None = None) -> Threads:
    """Every comment of the roadmap in one query, grouped into threads by item; given an item, its own only
    (a reply is kept on its thread's item)."""
    found = _comments(roadmap)
    if item is not None:
        found = found.filter(item=item)
    return _grouped(found)


def roadmap_threads(roadmap: Roadmap) -> list[Thread]:
    """The conversation about the roadmap as a whole (comments on no item), in one query: what the roadmap
    page draws in full. An item's threads are read when they are opened (item_comments)."""
    return _grouped(_on_the_roadmap().all([roadmap.pk])).roadmap


@functools.cache
def _on_the_roadmap() -> statements.OneWith:
    # Written once, with the authors, in _comments' order: the roadmap page reads it on every load, and
    # building the queryset cost more than reading the rows.
    return statements.OneWith(Comment, related=["author"], where=["roadmap"], null=["item"], order=["created_at", "id"])


def thread_of(roadmap: Roadmap, root_pk: int) -> Thread:
    """One thread, its first comment and the replies to it, in one query: what a refused reply redraws."""
    return _grouped(_comments(roadmap).filter(Q(pk=root_pk) | Q(parent_id=root_pk))).all[0]


@dataclass
class Posted:
    thread: Thread  # the thread the comment is on, as it now is
    count: int  # the comments where it was posted: on its item, or on the roadmap as a whole


def posted(comment: Comment) -> Posted:
    """What a comment post redraws: its thread, and the count of comments beside it, in one query.

    A new thread is the comment just made alone, as it is in hand (its author is the one who posted it):
    only the count is read then."""
    if comment.parent_id is None:
        count = statements.count(Comment, roadmap=comment.roadmap_id, item=comment.item_id)
        return Posted(thread=Thread(root=_prepare(comment)), count=count)
    root = comment.parent_id
    beside = (
        Comment.objects.filter(roadmap_id=comment.roadmap_id, item_id=comment.item_id)
        .order_by()
        .values("roadmap_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    found = list(_comments(comment.roadmap).filter(Q(pk=root) | Q(parent_id=root)).annotate(beside=Subquery(beside)))
    return Posted(thread=_grouped(found).all[0], count=found[0].beside)  # type: ignore[attr-defined]


def _grouped(found: Iterable[Comment]) -> Threads:
    comments = [_prepare(c) for c in found]
    roots: dict[int, Thread] = {}
    for comment in comments:
        if comment.parent_id is None:
            roots[comment.pk] = Thread(root=comment)
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in roots:
            roots[comment.parent_id].replies.append(comment)
    threads = Threads(roadmap=[], by_item={}, all=list(roots.values()))
    for thread in roots.values():
        if thread.root.item_id is None:
            threads.roadmap.append(thread)
        else:
            threads.by_item.setdefault(thread.root.item_id, []).append(thread)
    return threads


def comment_count(threads: list[Thread]) -> int:
    """Every comment in these threads, replies included: what a "Comments (n)" heading counts."""
    return sum(1 + len(thread.replies) for thread in threads)


def attach_threads(items: list[RoadmapItem], roadmap: Roadmap, only: RoadmapItem | None = None) -> list[Thread]:
    """Give every item its threads (item.threads) and their comment count, and return the roadmap-wide ones.

    Given ``only``, the threads of that item alone are read and given to it (and none returned).
    """
    threads = threads_for(roadmap, only)
    if only is not None:
        items = [only]
    for item in items:
        item.threads = threads.by_item.get(item.pk, [])  # type: ignore[attr-defined]
        item.comment_count = comment_count(item.threads)  # type: ignore[attr-defined]
    return threads.roadmap
