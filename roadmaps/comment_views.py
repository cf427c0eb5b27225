from __future__ import annotations

import functools

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from roadmaps import comments
from roadmaps.models import Comment, Roadmap, RoadmapItem
from transition.accounts.http import AuthenticatedHttpRequest
from transition.accounts.permissions import Access, access_to, is_mentor_of
from transition.lib.http import INVALID, is_partial, sent_id
from transition.lib.statements import OneWith

THREADS = "roadmaps/includes/comments.html#threads"
POSTED = "roadmaps/includes/comments.html#posted"


def _get_roadmap_for_commenter(request: AuthenticatedHttpRequest, pk: int) -> tuple[Roadmap, Access]:
    """The roadmap, if the viewer is its owner or an active mentor of its owner; otherwise 404."""
    roadmap = Roadmap.objects.select_related("owner").filter(pk=pk).first()
    access = access_to(request.user, roadmap.owner) if roadmap is not None else None  # type: ignore[arg-type]
    if roadmap is None or access is None or not access.can_comment:
        raise Http404("Nothing here.")
    return roadmap, access


def _roadmap_page(request: AuthenticatedHttpRequest, roadmap: Roadmap) -> str:
    if request.user.pk == roadmap.owner_id:
        return reverse("roadmaps:detail", args=[roadmap.pk])
    return reverse("team:person_roadmap", args=[roadmap.owner_id])


def _comments_page(request: AuthenticatedHttpRequest, roadmap: Roadmap, item: RoadmapItem | None) -> str:
    """Where a plain post returns: an item's comments page (the roadmap reads its threads only when they are
    opened), or the roadmap for the conversation about it as a whole."""
    if item is not None:
        return reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk])
    return _roadmap_page(request, roadmap)


def _respond(
    request: AuthenticatedHttpRequest, roadmap: Roadmap, item: RoadmapItem | None, error: str = "", anchor: str = ""
) -> HttpResponse:
    """After an edit or a delete: the threads of the item (or of the roadmap) it was on."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_comments_page(request, roadmap, item) + (f"#{anchor}" if anchor else ""))
    shown = comments.threads_for(roadmap, item).by_item.get(item.pk, []) if item else comments.roadmap_threads(roadmap)
    context = {
        "roadmap": roadmap,
        "item": item,
        "threads": shown,
        "comment_error": error,
        "comments_enabled": True,
        # The card's "Comments (n)" is outside the threads swapped in, so it is sent along out of band.
        "count_oob": comments.comment_count(shown) if item else None,
    }
    return render(request, THREADS, context, status=INVALID if error else 200)


def _respond_to_post(
    request: AuthenticatedHttpRequest,
    roadmap: Roadmap,
    item: RoadmapItem | None,
    parent: Comment | None,
    comment: Comment | None = None,
    error: str = "",
) -> HttpResponse:
    """After a post, with htmx: the one thread it went to (a reply's form targets its thread; a new comment's
    form is replaced by its thread and a fresh form), and the item's count out of band. A refused post
    comes back in its form, with the message beside the text."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_comments_page(request, roadmap, item) + (f"#comment-{comment.pk}" if comment else ""))
    context: dict[str, object] = {
        "roadmap": roadmap,
        "item": item,
        "parent": parent,
        "comment_create_url": reverse("roadmaps:comment_create", args=[roadmap.pk]),
        "count_oob": None,
    }
    if comment is not None:
        found = comments.posted(comment)
        context.update(
            thread=found.thread,
            # The first comment here replaces "No comments yet."
            first=parent is None and found.count == 1,
            count_oob=found.count if item else None,
        )
    elif parent is not None:
        context.update(thread=comments.thread_of(roadmap, parent.parent_id or parent.pk), reply_error=error)
    else:
        context.update(comment_error=error)
    return render(request, POSTED, context, status=INVALID if error else 200)


def _item_or_none(roadmap: Roadmap, value: str | None) -> RoadmapItem | None:
    if not value:
        return None
    item = RoadmapItem.objects.filter(pk=sent_id(value), roadmap=roadmap).first()
    if item is None:
        raise Http404("No such item.")
    return item


@require_GET
def item_comments(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """An item's threads and comment form: fetched by htmx when its closed comments are opened;
    a page of its own without JavaScript."""
    roadmap, _ = _get_roadmap_for_commenter(request, pk)
    item = _item_or_none(roadmap, str(item_pk))  # never None here: a missing item is a 404
    threads = comments.threads_for(roadmap, item).by_item.get(item_pk, [])
    context: dict[str, object] = {"roadmap": roadmap, "item": item, "threads": threads, "comments_enabled": True}
    if is_partial(request):
        return render(request, THREADS, context)
    context["back_url"] = _roadmap_page(request, roadmap) + f"#item-{item_pk}"
    return render(request, "roadmaps/item.html", context)


@functools.cache
def _item_with_roadmap(mentors_sql: str) -> OneWith:
    # The item, its roadmap and owner, and whether the viewer mentors the owner: one statement written once
    # (the text of is_mentor_of is the same for every viewer; its values are parameters).
    return OneWith(
        RoadmapItem,
        related=["roadmap", "roadmap__owner"],
        where=["id", "roadmap"],
        extra={"viewer_mentors": mentors_sql},
    )


@require_POST
def comment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    posted_item = request.POST.get("item")
    if posted_item and not request.POST.get("parent"):
        # A comment on an item: the item, its roadmap and owner, and whether the viewer mentors the owner
        # (Access.can_comment's rule) in one query. Not found, the roadmap is read alone, so a roadmap the
        # viewer may not comment on answers as it always did.
        mentors = is_mentor_of(request.user, Roadmap, pk)
        item: RoadmapItem | None = _item_with_roadmap(mentors.sql).get([sent_id(posted_item), pk], mentors.params)
        if item is None:
            _get_roadmap_for_commenter(request, pk)
            raise Http404("No such item.")
        roadmap = item.roadmap
        if request.user.pk != roadmap.owner_id and not item.viewer_mentors:  # type: ignore[attr-defined]
            raise Http404("Nothing here.")
    else:
        roadmap, _ = _get_roadmap_for_commenter(request, pk)
        item = _item_or_none(roadmap, posted_item)
    parent = None
    if request.POST.get("parent"):
        value = request.POST["parent"]
        parent = Comment.objects.filter(pk=sent_id(value), roadmap=roadmap).select_related("item").first()
        if parent is None:
            raise Http404("No such comment.")
        item = parent.item
    try:
        comment = comments.comment_create(
            roadmap=roadmap, author=request.user, body=request.POST.get("body", ""), item=item, parent=parent
        )
    except comments.CommentError as exc:
        return _respond_to_post(request, roadmap, item, parent, error=str(exc))
    return _respond_to_post(request, roadmap, item, parent, comment)


def _own_comment(request: AuthenticatedHttpRequest, roadmap: Roadmap, comment_pk: int) -> Comment:
    comment = Comment.objects.filter(pk=comment_pk, roadmap=roadmap, author=request.user).select_related("item").first()
    if comment is None:
        raise Http404("No such comment.")
    return comment


@require_POST
def comment_edit(request: AuthenticatedHttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    roadmap, _ = _get_roadmap_for_commenter(request, pk)
    comment = _own_comment(request, roadmap, comment_pk)
    try:
        comments.comment_edit(comment=comment, author=request.user, body=request.POST.get("body", ""))
    except comments.CommentError as exc:
        return _respond(request, roadmap, comment.item, error=str(exc))
    return _respond(request, roadmap, comment.item, anchor=f"comment-{comment.pk}")


@require_POST
def comment_delete(request: AuthenticatedHttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    roadmap, _ = _get_roadmap_for_commenter(request, pk)
    comment = _own_comment(request, roadmap, comment_pk)
    item = comment.item
    comments.comment_delete(comment=comment, author=request.user)
    return _respond(request, roadmap, item)
