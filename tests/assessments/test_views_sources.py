"""The Sources page, the framework's changelog page, and citations that link to their article."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import content
from assessments.templatetags.sources import source_link
from tests.factories import UserFactory
from tests.roadmaps.factories import roadmap_for

SOURCES = reverse("assessments:sources")
FRAMEWORK = reverse("assessments:framework")


def test_every_source_slug_has_an_article_with_a_title():
    sources = content.get_sources()
    assert sorted(sources) == sorted(content.SOURCE_SLUGS)
    assert sources["ai-product-lead"].byline == "Jordan Lee · learn.curry.io"
    assert str(sources["ai-architect"].published) == "2026-02-08"


def test_the_sources_page_lists_the_five_articles_with_who_and_when(client, db):
    page = client.get(SOURCES).content.decode()
    assert "How to Transition from Software Engineer to AI Lead" in page
    assert "MentorCruise" in page
    assert "Jordan Lee" in page
    assert "11 June 2026" in page
    assert "8 February 2026" in page
    for slug in content.SOURCE_SLUGS:
        assert f'id="source-{slug}"' in page


def test_a_citation_names_the_article_and_links_to_its_entry_not_the_slug():
    link = source_link("ai-product-lead")
    assert f'href="{SOURCES}#source-ai-product-lead"' in link
    assert "From senior engineer to AI product lead" in link
    assert "(ai-product-lead)" not in link


@pytest.mark.django_db
def test_roadmap_cards_cite_the_article_by_title(client, framework_db):
    roadmap = roadmap_for(UserFactory())
    client.force_login(roadmap.owner)
    page = client.get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    assert f'href="{SOURCES}#source-' in page
    for slug in content.SOURCE_SLUGS:
        assert f"({slug})" not in page


def test_the_framework_page_shows_the_version_and_every_changelog_entry(client, db):
    framework = content.get_framework()
    page = client.get(FRAMEWORK).content.decode()
    assert f"Framework version {framework.version}" in page
    for entry in framework.changelog:
        assert entry.version in page


def test_the_footer_links_to_sources_and_the_changelog(client, db):
    page = client.get(reverse("landing")).content.decode()
    assert f'href="{SOURCES}"' in page
    assert f'href="{FRAMEWORK}"' in page
