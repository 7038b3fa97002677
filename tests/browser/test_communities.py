"""A visitor signs up, verifies the e-mail address, joins a community and asks a question; a
data owner answers on behalf of the publisher; the asker accepts the answer."""

import re

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from communities.models import Community, Membership, Question
from tests.factories import DatasetFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a long enough pass phrase 42"


def _sign_in_as(page, live_server, user):
    """A session cookie for a person whose sign-in is not what the step is about."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_sign_up_join_ask_answer_on_behalf_and_accept(
    page, live_server, settings, publisher, alice
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    community = Community.objects.create(
        slug="mobility", name={"en": "Mobility", "nl": "Mobiliteit"}, is_open=True
    )
    community.rule_publishers.set([publisher])
    DatasetFactory(published=True, publisher=publisher, slug="bike-parking")
    Membership.objects.create(
        community=community, user=alice, role=Membership.Role.OWNER, publisher=publisher
    )
    mail.outbox.clear()

    # 1. A visitor signs up and verifies the e-mail address from the message it gets.
    page.goto("/accounts/signup/")
    page.locator("input[name=username]").fill("dora")
    page.locator("input[name=email]").fill("dora@example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("verify", re.I))
    page.shot("signed-up")
    assert [message.to for message in mail.outbox] == [["dora@example.org"]]
    link = re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.locator("form button[type=submit]").last.click()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("dora")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    # ... joins the community and asks a question in it.
    page.goto("/communities/mobility/")
    page.get_by_role("button", name="Join this community").click()
    expect(page.get_by_role("button", name="Leave this community")).to_be_visible()
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Your question").fill("How often is the bike parking count updated?")
    page.get_by_label("Details").fill("I build an app that shows **free places**.")
    page.get_by_role("button", name="Post the question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How often is the bike parking count updated?"
    )
    page.shot("asked")
    question = Question.objects.get(author__username="dora")
    assert Membership.objects.filter(community=community, user__username="dora").exists()

    # 2. The data owner answers on behalf of the publisher.
    _sign_in_as(page, live_server, alice)
    page.goto(question.get_absolute_url())
    page.get_by_role("textbox", name="Your answer").fill(
        "Every hour; the counters report every five minutes."
    )
    page.get_by_label("Answer on behalf of").select_option(str(publisher.pk))
    page.get_by_role("button", name="Post your answer").click()
    answer = page.locator("article.answer").first
    expect(answer).to_contain_text("on behalf of")
    expect(answer).to_contain_text("Utrecht")
    expect(answer.locator(".answer-labels")).to_contain_text("Data owner")
    page.shot("answered")

    # 3. The asker accepts the answer.
    _sign_in_as(page, live_server, question.author)
    page.goto(question.get_absolute_url())
    page.get_by_role("button", name="Accept this answer").click()
    expect(page.locator("article.answer").first.locator(".answer-labels")).to_contain_text(
        "Accepted answer"
    )
    page.shot("accepted")
    question.refresh_from_db()
    assert question.accepted_answer.on_behalf_of == publisher
    assert question.first_response_at is not None
