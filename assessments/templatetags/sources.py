"""A citation's source slug as the article it stands for, linked to its entry on the Sources page."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from assessments.content import get_sources

register = template.Library()


@register.filter
def source_link(slug: str) -> SafeString:
    """``ai-lead`` → a link to its entry, named by the article's title (and who published it).

    A lookup, not a decision: the titles live in framework/sources.yaml, read once per process.
    """
    source = get_sources().get(slug)
    if source is None:  # not reachable with validated content; a bare slug rather than an error page
        return format_html("{}", slug)
    href = reverse("assessments:sources") + f"#source-{source.slug}"
    if source.byline:
        return format_html('<a href="{}"><cite>{}</cite></a>, {}', href, source.title, source.byline)
    return format_html('<a href="{}"><cite>{}</cite></a>', href, source.title)
