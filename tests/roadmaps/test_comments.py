from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from roadmaps.models import Comment
from tests.factories import ShareFactory, UserFactory
from tests.roadmaps.conftest import difference, find, parse, text
from tests.roadmaps.factories import roadmap_for
from transition.accounts.models import Email, Notification

pytestmark = pytest.mark.usefixtures("framework_db")

HTMX = {"HX-Request": "true"}


@pytest.fixture
def roadmap():
    return roadmap_for(levels={"mentoring": 1})


@pytest.fixture
def mentor(roadmap):
    person = UserFactory(name="Mina Mentor")
    ShareFactory(engineer=roadmap.owner, person=person)
    return person


def _post(client, roadmap, htmx=False, **data):
    return client.post(reverse("roadmaps:comment_create", args=[roadmap.pk]), data, headers=HTMX if htmx else {})


def test_mentor_comments_on_the_roadmap_and_the_engineer_is_notified(
    client, roadmap, mentor, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):  # the email waits for the commit
        response = _post(client, roadmap, body="Good start. Pick one eval first.")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author == mentor
    assert comment.item is None
    note = Notification.objects.get(recipient=roadmap.owner)
    assert note.kind == Notification.Kind.COMMENT
    assert f"#comment-{comment.pk}" in note.url
    assert [m.to for m in mail.outbox] == [[roadmap.owner.email]]


def test_a_comment_is_posted_and_notified_in_the_app_when_the_mail_server_is_down(
    client, roadmap, mentor, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def refused(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")  # what smtplib raises with the server down

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, roadmap, htmx=True, body="Still worth doing this month.")
    assert response.status_code == 200
    assert "Still worth doing this month." in response.content.decode()
    assert Notification.objects.filter(recipient=roadmap.owner, kind=Notification.Kind.COMMENT).count() == 1
    [email] = Email.objects.all()  # kept in the outbox, for the worker to try again
    assert email.status == Email.Status.QUEUED
    assert "Connection refused" in email.last_error


@pytest.mark.parametrize("field", ["item", "parent"])
@pytest.mark.parametrize("value", ["²", "١٢", "12abc", "-1"])
def test_an_id_that_is_not_a_plain_number_is_not_found_rather_than_an_error(client, roadmap, mentor, field, value):
    client.force_login(mentor)
    response = _post(client, roadmap, htmx=True, body="Hello", **{field: value})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_mentor_comments_on_one_item_in_place_through_htmx(client, roadmap, mentor):
    item = roadmap.items.first()
    client.force_login(mentor)
    response = _post(client, roadmap, htmx=True, body="Try this with a real feature.", item=item.pk)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    comment = Comment.objects.get()
    assert comment.item == item
    assert f'id="thread-{comment.pk}"' in body
    assert "Try this with a real feature." in body
    assert f'id="comment-form-item-{item.pk}"' in body  # a fresh form takes the place of the one posted


def test_the_items_comment_count_is_updated_with_the_comment_posted(client, roadmap, mentor):
    item = roadmap.items.first()
    Comment.objects.create(roadmap=roadmap, item=item, author=mentor, body="First")
    client.force_login(roadmap.owner)
    assert (
        f'<span id="comment-count-{item.pk}">1</span>'
        in client.get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    )
    root = Comment.objects.get()
    response = _post(client, roadmap, htmx=True, body="A reply counts too.", parent=root.pk)
    # Sent out of band: the "Comments (n)" summary is outside the threads the form swaps.
    assert f'<span id="comment-count-{item.pk}" hx-swap-oob="true">2</span>' in response.content.decode()


def test_the_engineer_replies_in_the_same_thread_and_the_mentor_is_notified(client, roadmap, mentor):
    root = Comment.objects.create(roadmap=roadmap, author=mentor, body="How did the interviews go?")
    client.force_login(roadmap.owner)
    _post(client, roadmap, body="Two done, one next week.", parent=root.pk)
    reply = Comment.objects.exclude(pk=root.pk).get()
    assert reply.parent == root
    note = Notification.objects.get(recipient=mentor)
    assert note.kind == Notification.Kind.REPLY
    assert note.url.startswith(f"/team/people/{roadmap.owner_id}/roadmap/")


def test_a_reply_to_a_reply_joins_the_root_thread(client, roadmap, mentor):
    root = Comment.objects.create(roadmap=roadmap, author=mentor, body="Root")
    first = Comment.objects.create(roadmap=roadmap, author=roadmap.owner, body="First reply", parent=root)
    client.force_login(mentor)
    _post(client, roadmap, body="Second reply", parent=first.pk)
    assert Comment.objects.get(body="Second reply").parent == root


def test_the_engineer_sees_comments_on_their_roadmap_page(client, roadmap, mentor):
    item = roadmap.items.first()
    Comment.objects.create(roadmap=roadmap, item=item, author=mentor, body="Item-level advice")
    Comment.objects.create(roadmap=roadmap, author=mentor, body="Roadmap-level advice")
    client.force_login(roadmap.owner)
    body = client.get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    assert "Roadmap-level advice" in body
    assert f'<span id="comment-count-{item.pk}">1</span>' in body  # the item's, fetched when opened
    opened = client.get(reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk]), headers=HTMX)
    assert "Item-level advice" in opened.content.decode()


@pytest.mark.parametrize("who", ["manager", "other_engineer", "revoked_mentor", "pending_mentor"])
def test_people_without_a_mentor_share_cannot_comment(client, roadmap, who):
    person = UserFactory()
    if who == "manager":
        ShareFactory(engineer=roadmap.owner, person=person, manager=True)
    elif who == "revoked_mentor":
        ShareFactory(engineer=roadmap.owner, person=person, revoked=True)
    elif who == "pending_mentor":
        ShareFactory(engineer=roadmap.owner, person=person, pending=True)
    client.force_login(person)
    assert _post(client, roadmap, body="Hello").status_code == 404
    # On an item too, where the share is read with the item.
    assert _post(client, roadmap, htmx=True, body="Hello", item=roadmap.items.first().pk).status_code == 404
    assert not Comment.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, roadmap):
    response = _post(client, roadmap, body="Hello")
    assert response.status_code == 302
    assert reverse("login") in response.url
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused_in_place(client, roadmap, mentor):
    client.force_login(mentor)
    response = _post(client, roadmap, htmx=True, body="   ")
    assert response.status_code == 422
    assert "Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_item_of_another_roadmap_is_refused(client, roadmap, mentor):
    other = roadmap_for()
    client.force_login(mentor)
    assert _post(client, roadmap, body="Hi", item=other.items.first().pk).status_code == 404
    assert _post(client, roadmap, body="Hi", item="not-a-number").status_code == 404
    # Ids past what the database holds: no such item, never a database error.
    assert _post(client, roadmap, body="Hi", item=str(2**63)).status_code == 404
    assert _post(client, roadmap, htmx=True, body="Hi", item=str(10**30)).status_code == 404
    assert not Comment.objects.exists()


def test_a_mentor_comment_on_an_item_is_saved_with_its_notification_and_email(client, roadmap, mentor):
    # Written by transition.lib.statements.insert: the rows must be what save() writes.
    client.force_login(mentor)
    item = roadmap.items.first()
    assert _post(client, roadmap, htmx=True, body="Looks good", item=item.pk).status_code == 200
    comment = Comment.objects.get()
    assert (comment.item_id, comment.author_id, comment.body, comment.parent_id) == (
        item.pk,
        mentor.pk,
        "Looks good",
        None,
    )
    assert comment.created_at is not None
    note = Notification.objects.get(recipient=roadmap.owner)
    assert note.actor_id == mentor.pk
    assert note.url.endswith(f"#comment-{comment.pk}")
    email = Email.objects.get(key=f"notification:{note.pk}")
    assert email.to == roadmap.owner.email
    # The tests run tasks at once: the email queued with the comment has gone out.
    assert email.status == Email.Status.SENT
    assert mail.outbox[-1].to == [roadmap.owner.email]


def test_authors_edit_and_delete_their_own_comments(client, roadmap, mentor):
    comment = Comment.objects.create(roadmap=roadmap, author=mentor, body="Frist")
    client.force_login(mentor)
    client.post(reverse("roadmaps:comment_edit", args=[roadmap.pk, comment.pk]), {"body": "First"})
    comment.refresh_from_db()
    assert comment.body == "First"
    assert comment.edited_at is not None
    client.post(reverse("roadmaps:comment_delete", args=[roadmap.pk, comment.pk]))
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_nobody_edits_or_deletes_someone_elses_comment(client, roadmap, mentor):
    comment = Comment.objects.create(roadmap=roadmap, author=mentor, body="Mine")
    client.force_login(roadmap.owner)
    assert (
        client.post(reverse("roadmaps:comment_edit", args=[roadmap.pk, comment.pk]), {"body": "X"}).status_code == 404
    )
    assert client.post(reverse("roadmaps:comment_delete", args=[roadmap.pk, comment.pk])).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mine"


XSS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    '<div hx-get="/accounts/logout/" hx-trigger="load">boom</div>',
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    '<form hx-post="/x" hx-trigger="revealed"></form>',
    "{{ user.password }}{% debug %}",
    "<iframe src='https://example.com'></iframe>",
]


@pytest.mark.parametrize("payload", XSS)
def test_comment_payloads_are_rendered_inert(client, roadmap, mentor, payload):
    client.force_login(mentor)
    fragment = _post(client, roadmap, htmx=True, body=payload).content.decode()
    client.force_login(roadmap.owner)
    page = client.get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    for html in (fragment, page):
        assert "<script>alert" not in html
        assert "onerror=" not in html.replace("onerror=&quot;", "")
        assert "<svg onload" not in html
        assert 'hx-get="/accounts/logout/"' not in html
        assert 'href="javascript:' not in html
        assert "<iframe" not in html
        assert 'hx-post="/x"' not in html
        assert "{% debug %}" in html or "{%" not in payload


def test_links_in_comments_are_clickable_and_nofollow(client, roadmap, mentor):
    client.force_login(mentor)
    fragment = _post(client, roadmap, htmx=True, body="See https://example.com/guide for this").content.decode()
    assert '<a href="https://example.com/guide" rel="nofollow">https://example.com/guide</a>' in fragment


def test_a_comment_shows_when_it_was_written_and_an_edited_text_shows_at_once(client, roadmap, mentor):
    comment = Comment.objects.create(roadmap=roadmap, author=mentor, body="First line\nsecond line")
    Comment.objects.filter(pk=comment.pk).update(created_at=datetime.datetime(2026, 11, 3, 9, 5, tzinfo=datetime.UTC))
    client.force_login(roadmap.owner)
    url = reverse("roadmaps:detail", args=[roadmap.pk])
    page = client.get(url).content.decode()
    assert '<time datetime="2026-11-03T09:05:00+00:00">3 Nov 2026, 09:05</time>' in page
    assert "First line<br>second line" in page
    Comment.objects.filter(pk=comment.pk).update(body="Rewritten")
    page = client.get(url).content.decode()
    assert "Rewritten" in page
    assert "First line" not in page


def test_roadmap_page_queries_do_not_grow_with_comments(client, roadmap, mentor, django_assert_num_queries):
    client.force_login(roadmap.owner)
    url = reverse("roadmaps:detail", args=[roadmap.pk])
    Comment.objects.create(roadmap=roadmap, author=mentor, body="one")
    client.get(url)
    # session, user (with the header's counts), roadmap, items, their links, the comments with authors
    with django_assert_num_queries(6):
        client.get(url)
    items = list(roadmap.items.all())
    for n in range(20):
        Comment.objects.create(roadmap=roadmap, item=items[n % len(items)], author=mentor, body=f"c{n}")
    with django_assert_num_queries(6):
        client.get(url)


def test_an_item_without_comments_fetches_its_comment_form_when_opened(client, roadmap, mentor):
    item = roadmap.items.first()
    url = reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk])
    client.force_login(mentor)
    page = client.get(reverse("team:person_roadmap", args=[roadmap.owner_id])).content.decode()
    assert f'hx-get="{url}"' in page
    assert f"new-comment-{item.pk}" not in page  # the form is not drawn with the page

    response = client.get(url, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert f'id="threads-item-{item.pk}"' in body
    assert f'<input type="hidden" name="item" value="{item.pk}">' in body
    assert f'id="new-comment-{item.pk}"' in body


def test_an_item_with_comments_shows_their_count_and_fetches_them_when_opened(client, roadmap, mentor):
    item = roadmap.items.first()
    Comment.objects.create(roadmap=roadmap, author=mentor, body="Which eval first?", item=item)
    url = reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk])
    for viewer, page_url in [
        (roadmap.owner, reverse("roadmaps:detail", args=[roadmap.pk])),
        (mentor, reverse("team:person_roadmap", args=[roadmap.owner_id])),
    ]:
        client.force_login(viewer)
        page = client.get(page_url).content.decode()
        assert "Which eval first?" not in page
        card = find(parse(page), f"item-{item.pk}")
        assert text(find(card, f"comment-count-{item.pk}")) == "1"
        assert f'hx-get="{url}"' in str(card)
        assert 'hx-preserve="true"' in str(card)  # a redrawn card keeps the threads as they were
        assert f'<a href="{url}">Read and reply to the comments on this action</a>' in page  # without JavaScript
        assert "Which eval first?" in client.get(url, headers=HTMX).content.decode()


def test_without_javascript_an_items_comments_are_a_page_of_their_own(client, roadmap, mentor):
    item = roadmap.items.first()
    Comment.objects.create(roadmap=roadmap, author=roadmap.owner, body="Booked the first interview.", item=item)
    client.force_login(mentor)
    response = client.get(reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert "Booked the first interview." in body
    assert f'href="{reverse("team:person_roadmap", args=[roadmap.owner_id])}#item-{item.pk}"' in body


# --- A post redraws its one thread, as a fresh page would show it ----------------------------------


def _id(element) -> str | None:
    return next((v for k, v in element.attributes if k == "id"), None)


def _swap(root, id_: str, new: list) -> bool:
    for n, child in enumerate(root.children):
        if not isinstance(child, str):
            if _id(child) == id_:
                root.children[n : n + 1] = new
                return True
            if _swap(child, id_, new):
                return True
    return False


def _apply_post(page, answer, target: str) -> None:
    """Do to the parsed page what htmx does with a comment post's answer: each out-of-band element replaces
    (or, with "delete", removes) the element with its id; the rest replace ``target`` (outerHTML)."""
    main = []
    for element in answer.children if answer.name is None else [answer]:
        if isinstance(element, str):
            continue
        oob = next((v for k, v in element.attributes if k == "hx-swap-oob"), None)
        if oob is None:
            main.append(element)
            continue
        element.attributes = [(k, v) for k, v in element.attributes if k != "hx-swap-oob"]
        assert _swap(page, _id(element), [] if oob == "delete" else [element]), f"no #{_id(element)} to swap"
    assert _swap(page, target, main), f"no #{target} on the page"


def _opened(client, roadmap, item=None):
    """The mentor's view of the roadmap as htmx shows it with the item's comments opened (fetched)."""
    page = parse(client.get(reverse("team:person_roadmap", args=[roadmap.owner_id])).content)
    if item is not None:
        details = find(page, f"item-{item.pk}-comments")
        fetched = parse(client.get(reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk]), headers=HTMX).content)
        lazy = next(n for n, c in enumerate(details.children) if not isinstance(c, str) and c.name == "div")
        details.children[lazy : lazy + 1] = fetched.children if fetched.name is None else [fetched]
    return find(page, "main")


@pytest.mark.parametrize("earlier", [0, 2], ids=["first", "after-two"])
def test_a_new_comment_on_an_item_adds_its_thread_and_count_as_a_fresh_page_shows_them(
    client, roadmap, mentor, earlier
):
    item = roadmap.items.first()
    for n in range(earlier):
        Comment.objects.create(roadmap=roadmap, item=item, author=roadmap.owner, body=f"Earlier {n}")
    client.force_login(mentor)
    before = _opened(client, roadmap, item)

    response = _post(client, roadmap, htmx=True, body="Try it on a real feature.", item=item.pk)

    assert response.status_code == 200
    # The one new thread and the form, not every thread on the item (counted, not measured in bytes: ids
    # grow with the database).
    answer = response.content.decode()
    assert answer.count('<div class="thread" id="thread-') == 1
    assert "Earlier" not in answer
    _apply_post(before, parse(response.content), f"comment-form-item-{item.pk}")
    fresh = _opened(client, roadmap, item)
    assert before == fresh, difference(before, fresh)
    assert text(find(fresh, f"comment-count-{item.pk}")) == str(earlier + 1)


def test_a_reply_redraws_its_thread_and_the_count_as_a_fresh_page_shows_them(client, roadmap, mentor):
    item = roadmap.items.first()
    root = Comment.objects.create(roadmap=roadmap, item=item, author=mentor, body="Which eval first?")
    Comment.objects.create(roadmap=roadmap, item=item, author=mentor, body="Another thread")
    client.force_login(roadmap.owner)
    page_url = reverse("roadmaps:detail", args=[roadmap.pk])
    fetch_url = reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk])

    def opened():
        page = parse(client.get(page_url).content)
        details = find(page, f"item-{item.pk}-comments")
        lazy = next(n for n, c in enumerate(details.children) if not isinstance(c, str) and c.name == "div")
        details.children[lazy : lazy + 1] = [parse(client.get(fetch_url, headers=HTMX).content)]
        return find(page, "main")

    before = opened()
    response = _post(client, roadmap, htmx=True, body="The latency one.", parent=root.pk)

    assert response.status_code == 200
    assert "Another thread" not in response.content.decode()  # only the thread replied to
    _apply_post(before, parse(response.content), f"thread-{root.pk}")
    fresh = opened()
    assert before == fresh, difference(before, fresh)
    assert text(find(fresh, f"comment-count-{item.pk}")) == "3"


def test_a_new_comment_on_the_roadmap_adds_its_thread_as_a_fresh_page_shows_it(client, roadmap, mentor):
    client.force_login(mentor)
    before = _opened(client, roadmap)
    response = _post(client, roadmap, htmx=True, body="Good start.")
    _apply_post(before, parse(response.content), "comment-form-roadmap")
    fresh = _opened(client, roadmap)
    assert before == fresh, difference(before, fresh)
    assert "Good start." in text(fresh)


def test_an_empty_reply_is_refused_in_its_thread(client, roadmap, mentor):
    root = Comment.objects.create(roadmap=roadmap, item=roadmap.items.first(), author=mentor, body="Which first?")
    client.force_login(roadmap.owner)
    response = _post(client, roadmap, htmx=True, body="  ", parent=root.pk)
    assert response.status_code == 422
    thread = find(parse(f"<div>{response.content.decode()}</div>"), f"thread-{root.pk}")
    assert "Write something before posting." in text(find(thread, f"reply-error-{root.pk}"))
    assert "Which first?" in text(thread)
    assert Comment.objects.count() == 1


def test_a_notification_of_an_item_comment_leads_to_it_on_the_items_comments_page(client, roadmap, mentor):
    item = roadmap.items.first()
    client.force_login(mentor)
    _post(client, roadmap, body="Try the small eval.", item=item.pk)
    comment = Comment.objects.get()
    note = Notification.objects.get(recipient=roadmap.owner)
    url = reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk])
    assert note.url == f"{url}#comment-{comment.pk}"
    client.force_login(roadmap.owner)
    assert find(parse(client.get(url).content), f"comment-{comment.pk}") is not None


def test_without_javascript_a_comment_on_an_item_returns_to_the_items_comments(client, roadmap, mentor):
    item = roadmap.items.first()
    client.force_login(mentor)
    response = _post(client, roadmap, body="Try the small eval.", item=item.pk)
    comment = Comment.objects.get()
    url = reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk])
    assert response["Location"] == f"{url}#comment-{comment.pk}"
    assert "Try the small eval." in client.get(url).content.decode()


def test_a_mentors_comment_on_an_item_has_a_query_budget(client, roadmap, mentor, django_assert_num_queries):
    client.force_login(mentor)
    item = roadmap.items.first()
    _post(client, roadmap, htmx=True, body="warm", item=item.pk)
    # session, user; the item with its roadmap and owner, and whether the viewer mentors the owner (one
    # query); the comment, the owner's notification and its email, made outright (no look-up of its key
    # first, no savepoint of its own); its delivery (tests run tasks at once); then the posted thread with
    # its count.
    with django_assert_num_queries(13):
        response = _post(client, roadmap, htmx=True, body="A question", item=item.pk)
    assert response.status_code == 200
    assert Email.objects.filter(key__startswith="notification:", to=roadmap.owner.email).count() == 2


def test_a_comment_on_an_item_of_another_roadmap_is_refused(client, roadmap, mentor):
    client.force_login(mentor)
    other = roadmap_for(levels={"mentoring": 1})
    response = _post(client, roadmap, htmx=True, body="Hello", item=other.items.first().pk)
    assert response.status_code == 404
    assert not Comment.objects.exists()
    response = _post(client, other, htmx=True, body="Hello", item=other.items.first().pk)
    assert response.status_code == 404  # not their mentor
    assert not Comment.objects.exists()
