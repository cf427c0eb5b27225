"""A citation's source slug as the article it stands for, linked to its entry on the Sources page."""

from __future__ import annotations

import functools

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
    return _source_link(slug)


@functools.cache
def _sources_page() -> str:
    return reverse("assessments:sources")


# Made once per slug and process, like the sources it reads: a roadmap draws one per card, and reversing
# the Sources page's address for each was most of the filter's time. A slug outside the sources is kept
# out of the cache, so text sent in cannot grow it.
def _source_link(slug: str) -> SafeString:
    if slug not in get_sources():  # not reachable with validated content; a bare slug rather than an error page
        return format_html("{}", slug)
    return _known_link(slug)


@functools.cache
def _known_link(slug: str) -> SafeString:
    source = get_sources()[slug]
    href = _sources_page() + f"#source-{source.slug}"
    if source.byline:
        return format_html('<a href="{}"><cite>{}</cite></a>, {}', href, source.title, source.byline)
    return format_html('<a href="{}"><cite>{}</cite></a>', href, source.title)
