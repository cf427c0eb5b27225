"""A roadmap item's card, drawn in Python: the roadmap page draws one per item, the item's page and every
htmx swap draw them too, and in the template a card cost about 1,500 function calls, more than half of the
roadmap page's drawing (make bench). Drawn here it costs a tenth of that.

Every text in it (the item's own words, its notes, its links, the error) is escaped as the template engine
escapes it (``transition.lib.text.escape``, ``linebreaksbr``); the rest is markup written here, numbers
and keywords. The parts drawn only on the item's own page, the editor with its forms and the comment
threads, stay in their templates (roadmaps/includes/item_card.html#editor, comments.html#threads) and
come in drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString

from assessments.templatetags.sources import source_link
from roadmaps.models import RoadmapItem
from transition.lib.text import escape

ANCHOR = (
    '<span class="badge badge-info" title="The way in that the role\N{RIGHT SINGLE QUOTATION MARK}s own article '
    'names">from the role\N{RIGHT SINGLE QUOTATION MARK}s article</span>'
)
PINNED = '<span class="badge" title="Kept in this month by re-plans">pinned</span>'
STATUSES = (("todo", "To do"), ("doing", "Doing"), ("done", "Done"), ("skipped", "Skipped"))


@dataclass(frozen=True)
class Drawing:
    """What the card is drawn for: who sees it, and what is open in it."""

    can_edit: bool = False  # the engineer's own roadmap: the status buttons and the editor
    editing: bool = False  # the editor drawn open (the item's own page, or the card just edited)
    show_private: bool = False  # a follower the engineer opened their notes and links to
    comments_enabled: bool = False
    expand: bool = False  # the comment threads drawn open, not fetched when opened
    error: str = ""
    oob: bool = False  # redrawn by an htmx change: says "Saved"
    csrf_input: str = ""  # the form's hidden CSRF field, as {% csrf_token %} draws it
    editor: SafeString | None = None  # drawn by its template, when editing
    threads: SafeString | None = None  # drawn by their template, when expanded


def saved(item: RoadmapItem) -> str:
    """The item's notes and evidence links as text, above its closed editor (or for a follower)."""
    links = item.link_list  # type: ignore[attr-defined]
    if not item.notes and not links:
        return ""
    parts = ['\n  <div class="item-saved">\n  ']
    if item.notes:
        parts.append(f'<p class="notes"><strong>Notes:</strong> {linebreaksbr(item.notes, autoescape=True)}</p>')
    if links:
        parts.append('\n  <ul class="link-list" aria-label="Evidence links">')
        for link in links:
            url = escape(link.url)
            parts.append(f'<li><a href="{url}" rel="noopener noreferrer nofollow" target="_blank">{url}</a></li>')
        parts.append("</ul>")
    parts.append("\n  </div>\n")
    return "".join(parts)


def card(item: RoadmapItem, d: Drawing) -> SafeString:
    """The card of ``item``, which carries what roadmaps.selectors worked out for it (its labels, address,
    links and comment count)."""
    pk, status, title = item.pk, escape(item.status), escape(item.title)
    url = item.update_url  # type: ignore[attr-defined]
    label = item.status_label  # type: ignore[attr-defined]
    span, done = item.span_label, item.done_label  # type: ignore[attr-defined]
    meta = [
        f'<span class="badge status-badge status-{status}">{escape(label)}</span>',
        f'<span class="badge">{escape(item.hours_label)}</span>',  # type: ignore[attr-defined]
    ]
    if span:
        meta.append(f'<span class="muted small">{escape(span)}</span>')
    if item.anchor:
        meta.append(ANCHOR)
    if item.pinned:
        meta.append(PINNED)
    if done:
        meta.append(f'<span class="muted small">done {escape(done)}</span>')
    source = item.first_source  # type: ignore[attr-defined]
    cited = f" <q>{escape(source['quote'])}</q> <span>({source_link(source['source'])})</span>" if source else ""
    parts = [
        f'\n<article class="item-card status-{status}" id="item-{pk}" aria-labelledby="item-{pk}-title">\n'
        '  <header class="item-head">\n'
        f'    <h3 class="item-title" id="item-{pk}-title">{title}</h3>\n'
        f'    <p class="item-meta">\n      {"\n      ".join(meta)}\n    </p>\n'
        "  </header>\n"
        f'  <p class="done-when"><strong>Done when:</strong> {escape(item.done_when)}</p>\n'
        '  <details class="item-detail">\n'
        f'    <summary>What to do, and why it is here<span class="visually-hidden"> ({title})</span></summary>\n'
        f"    <p>{escape(item.description)}</p>\n"
        f'    <p class="muted small"><strong>Why it is here:</strong> {escape(item.reason)}{cited}</p>\n'
        "  </details>\n"
    ]
    if d.can_edit:
        pressed = item.pressed  # type: ignore[attr-defined]
        buttons = "\n".join(
            f'      <button type="submit" name="status" value="{value}" aria-pressed="{pressed[value]}">{name}</button>'
            for value, name in STATUSES
        )
        parts.append(
            f'  <form method="post" action="{url}" class="status-form"\n'
            f'        hx-post="{url}" hx-target="#item-{pk}" hx-swap="outerHTML">\n'
            f"    {d.csrf_input}\n"
            f'    <div class="segmented" role="group" aria-label="Status of {title}">\n{buttons}\n    </div>\n'
            "  </form>\n"
        )
        if not d.editing:
            parts.append(saved(item))
        if d.editing:
            parts.append(
                '  <details class="item-more" open>\n    <summary>Notes, evidence and month</summary>\n'
                f"    {d.editor or ''}\n  </details>\n"
            )
        else:
            parts.append(
                f'  <details class="item-more" hx-get="{url}edit/" hx-trigger="toggle once" '
                'hx-target="find .lazy-body" hx-swap="outerHTML">\n'
                "    <summary>Notes, evidence and month</summary>\n"
                f'    <div class="lazy-body"><a href="{url}edit/">Edit the notes, evidence links and month of this '
                "action</a></div>\n  </details>\n"
            )
    elif d.show_private:
        parts.append(saved(item))
    if d.comments_enabled:
        count = getattr(item, "comment_count", 0) or 0
        if d.expand:
            opening, inside = " open", d.threads or ""
        else:
            opening = (
                f' hx-get="{url}comments/" hx-trigger="toggle once" hx-target="find .lazy-body" hx-swap="outerHTML"'
            )
            words = "Read and reply to the comments on this action" if count else "Comment on this action"
            inside = f'<div class="lazy-body"><a href="{url}comments/">{words}</a></div>'
        parts.append(
            f'  <details class="item-comments" id="item-{pk}-comments" hx-preserve="true"{opening}>\n'
            f'    <summary>Comments (<span id="comment-count-{pk}">{count}</span>)</summary>\n'
            f"    {inside}\n  </details>\n"
        )
    said = escape(d.error) if d.error else ("Saved" if d.oob else "")
    parts.append(f'  <p class="field-status{" is-error" if d.error else ""}" role="status">{said}</p>\n</article>\n')
    return SafeString("".join(parts))  # nosec B308 B703: every text escaped, the rest markup written here
