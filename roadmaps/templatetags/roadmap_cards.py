"""``{% item_card %}``: the card of the ``item`` in the context, drawn by roadmaps.cards with what the page
around it says (``can_edit``, ``editing``, ``show_private``, ``comments_enabled``, ``expand``, ``error``,
``oob``). The editor and the comment threads, when they are drawn open, come from their templates."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from roadmaps import cards
from transition.lib.text import escape

register = template.Library()

EDITOR = "roadmaps/includes/item_card.html#editor"
THREADS = "roadmaps/includes/comments.html#threads"


def _drawn(context: Context, name: str, **values: object) -> SafeString:
    assert context.template is not None  # noqa: S101  # nosec B101 - a tag is only ever drawn inside a template
    with context.push(**values):
        return SafeString(context.template.engine.get_template(name).render(context))  # nosec B308 B703


@register.simple_tag(takes_context=True)
def item_card(context: Context) -> SafeString:
    item = context["item"]
    editing, expand = bool(context.get("editing")), bool(context.get("expand"))
    can_edit = bool(context.get("can_edit"))
    token = context.get("csrf_token")
    drawing = cards.Drawing(
        can_edit=can_edit,
        editing=editing,
        show_private=bool(context.get("show_private")),
        comments_enabled=bool(context.get("comments_enabled")),
        expand=expand,
        error=context.get("error") or "",
        oob=bool(context.get("oob")),
        csrf_input=_csrf_input(token),
        editor=_drawn(context, EDITOR, update_url=item.update_url) if can_edit and editing else None,
        threads=_drawn(context, THREADS, threads=item.threads) if expand else None,
    )
    return cards.card(item, drawing)


def _csrf_input(token: object) -> str:
    # As {% csrf_token %} draws it; no field where the page has no token (a page drawn without a request).
    if not token or str(token) == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
