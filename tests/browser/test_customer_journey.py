"""Our customers told of a new sub-processor (GDPR Art. 28(2)), in Chromium against a real
server whose e-mail goes to a local SMTP server (issue 24).

Legal enters two customers (one with general authorisation and 30 days to object, one with
specific authorisation), plans a new US sub-processor, sees the engine's before and after and
sends the notices; both customers and a confirmed page subscriber receive them. One customer
objects, so the engagement date is refused; the objection is withdrawn and the other consents;
an engagement before the objection period ends is refused, after it is accepted, and the
chain link's own form asks the same. The public page and its Atom feed show the change; the
subscriber leaves through the link in the e-mail. One test with steps: one server start per
database; on PostgreSQL the e-mails go through procrastinate's PostgreSQL queue.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from datetime import date, timedelta
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect

from tests.browser.conftest import SHOTS, Person, Server
from tests.browser.test_every_page import VISIBLE_TEXT, english_in
from tests.reminder.test_send import Inbox

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SMTP_PORT = _free_port()
SERVER_ENV = {
    "TRANSFERS_SMTP_HOST": "127.0.0.1",
    "TRANSFERS_SMTP_PORT": str(SMTP_PORT),
    "TRANSFERS_SMTP_FROM": "tietosuoja@esimerkki.example",
    "TRANSFERS_PUBLIC_SUBPROCESSOR_PAGE": "true",
    "TRANSFERS_PUBLIC_COMPANY_NAME": "Esimerkki IT-Palvelut Oy",
    "TRANSFERS_JOB_WORKER": "true",
}
"""Read by ``tests/browser/conftest.py``'s server: mail to the SMTP server below, the public
page on, and the job queue's worker running in the server (it sends the e-mails)."""

SERVICE = "Software licence orders"
NEW = "Northwind Cloud LLC"
"""A US vendor in the register (its SCCs signed), new to the licence distributor's chain."""
UNKNOWN = "Repair Analytics Inc."


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def _subject(message: Message) -> str:
    """The subject as the reader sees it (a Finnish one is MIME-encoded on the wire)."""
    return " ".join(str(make_header(decode_header(str(message["Subject"])))).split())


def _mail_to(inbox: Inbox, address: str, subject: str = "", seconds: float = 30) -> Message:
    """The newest e-mail to ``address`` (whose subject contains ``subject``), waiting for the
    server's job queue to send it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for rcpt, message in reversed(inbox.messages):
            if address in rcpt and subject in _subject(message):
                found: Message = message
                return found
        time.sleep(0.2)
    raise AssertionError(f"no e-mail to {address} ({subject!r}): {inbox.messages}")


def _link(message: Message, path: str, server: Server) -> str:
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    found = re.search(rf"{re.escape(server.url)}{path}\?token=[A-Za-z0-9_\-]+", body)
    assert found, body
    return found.group(0)


def _shots(page: Page, name: str) -> None:
    """A Finnish page read as the every-page walk reads one (no English UI string, code or
    raw date), then screenshots at 1280 and 390 px (the layout reflows without a reload)."""
    assert english_in(page.evaluate(VISIBLE_TEXT)) == [], name
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, name
        page.screenshot(path=str(SHOTS / f"customers-{name}-fi-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _customer(page: Page, values: dict[str, str]) -> None:
    page.get_by_role("link", name="Customers", exact=True).first.click()
    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Legal name *").fill(values["name"])
    page.get_by_label("Country *").select_option(values["country"])
    page.get_by_label("Language of notices").select_option(values["language"])
    page.get_by_label("Privacy e-mail").fill(values["email"])
    page.get_by_label("Authorisation in the customer's DPA").select_option(values["authorisation"])
    page.get_by_label("Objection period (days)").fill(values.get("days", ""))
    page.get_by_role("checkbox", name=re.compile(SERVICE)).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=values["name"])).to_be_visible()
    expect(page.get_by_text(SERVICE)).to_be_visible()


def _plan(page: Page, effective: date, *, name: str = "", vendor: str = "") -> None:
    page.get_by_role("link", name="Plan a change").click()
    page.get_by_label("Change *").select_option("added")
    page.get_by_label("Processor whose chain changes").select_option(
        label="Licentia Distribution Ltd"
    )
    if vendor:
        page.get_by_label("Sub-processor in the register").select_option(label=vendor)
    else:
        page.get_by_label("New sub-processor's name").fill(name)
        page.get_by_label("New sub-processor's country").select_option("US")
    page.get_by_label("Transfer mechanism").select_option("scc_2021")
    page.get_by_label("SCC module").select_option("3")
    page.get_by_label("Purpose", exact=True).fill("Licence usage analytics")
    page.get_by_label("Safeguard (as the public page says it)").fill("Standard contractual clauses")
    page.get_by_label("Effective on *").fill(effective.isoformat())
    page.get_by_role("button", name="Save").click()


def _notice(page: Page, customer: str) -> Any:
    return page.locator("article", has=page.get_by_role("heading", name=customer))


def _answer(page: Page, customer: str, answer: str, by: str, reason: str = "") -> None:
    card = _notice(page, customer)
    card.get_by_label("Answer", exact=True).select_option(answer)
    card.get_by_label("Who answered *").fill(by)
    if reason:
        card.get_by_label("Why (an objection says why)").fill(reason)
    card.get_by_role("button", name="Record the answer").click()


def _engage(page: Page, day: date, why: str = "") -> None:
    section = page.locator("#engage")
    section.get_by_label("Engaged on *").fill(day.isoformat())
    section.get_by_label("Why despite the warning").fill(why)
    section.get_by_role("button", name="Engage").click()


def test_legal_tells_two_customers_of_a_new_us_subprocessor_and_a_subscriber_follows(
    chromium: Any, server: Server, inbox: Inbox
) -> None:
    inbox.messages.clear()  # the SMTP server serves both engines' runs of this module
    today = date.today()  # the server's clock: the dates below are counted from it
    effective = today + timedelta(days=45)
    period_end = today + timedelta(days=30)

    # A visitor subscribes on the public page; the confirmation e-mail is queued and sent.
    visitor = Person(chromium, server)
    public = visitor.page
    try:
        visitor.go("/subprocessors?lang=fi")
        expect(public.get_by_role("heading", name="Alikäsittelijämme")).to_be_visible()
        public.get_by_label(re.compile("Sähköposti")).fill("fan@example.org")
        public.get_by_role("button", name=re.compile("Tilaa")).click()
        expect(public.get_by_text(re.compile("vahvistuslinkin"))).to_be_visible()
        confirm = _link(_mail_to(inbox, "fan@example.org"), "/subprocessors/confirm", server)
        public.goto(confirm + "&lang=fi")
        public.get_by_role("button", name="Vahvista tilaus").click()
        expect(public.get_by_text(re.compile("vahvistettu"))).to_be_visible()

        legal = Person(chromium, server)
        page = legal.page
        try:
            legal.login("legal")
            # Two customers using the licence service: general (30 days) and specific.
            _customer(
                page,
                {
                    "name": "Asiakas Oy",
                    "country": "FI",
                    "language": "fi",
                    "email": "tietosuoja@asiakas.example",
                    "authorisation": "general",
                    "days": "30",
                },
            )
            _customer(
                page,
                {
                    "name": "Client Ltd",
                    "country": "IE",
                    "language": "en",
                    "email": "privacy@client.example",
                    "authorisation": "specific",
                },
            )

            # Legal plans a new US sub-processor in the licence distributor's chain.
            page.goto(server.url + "/subprocessor-changes")
            expect(page.get_by_text("1 confirmed subscriber of the public page")).to_be_visible()
            expect(page.get_by_text("fan@example.org")).to_have_count(0)
            # A US company the register knows nothing of: the engine refuses it, with reasons.
            _plan(page, effective, name=UNKNOWN)
            send = page.locator("#send")
            expect(send).to_contain_text("would make these transfers unlawful")
            expect(send.get_by_role("button", name="Send the notices")).to_have_count(0)
            send.get_by_role("button", name="Withdraw the change").click()
            expect(page.locator("h1 .badge")).to_have_text("withdrawn")

            # Legal plans the vetted US vendor into the licence distributor's chain instead.
            page.goto(server.url + "/subprocessor-changes")
            _plan(page, effective, vendor=NEW)

            # The engine's before and after, and who is told from when.
            impact = page.locator("#impact")
            expect(
                impact.get_by_role("heading", name="Before and after the change")
            ).to_be_visible()
            new_transfer = (
                impact.locator("table").nth(1).get_by_role("row", name=re.compile(NEW)).first
            )
            expect(new_transfer).to_contain_text("United States")
            expect(new_transfer.locator(".badge").last).not_to_have_text("unlawful")
            customers = page.locator("#customers table").first
            expect(customers.get_by_role("row", name=re.compile("Asiakas Oy"))).to_be_visible()
            expect(customers.get_by_role("row", name=re.compile("Client Ltd"))).to_contain_text(
                "after its consent"
            )
            change_url = page.url

            page.get_by_role("button", name="Send the notices").click()
            to_fi = _mail_to(inbox, "tietosuoja@asiakas.example", "alikäsittelijämuutoksesta")
            to_en = _mail_to(inbox, "privacy@client.example", "sub-processor")
            assert NEW in _subject(to_fi) and NEW in _subject(to_en)
            fan = _mail_to(inbox, "fan@example.org", NEW)
            page.reload()
            expect(_notice(page, "Asiakas Oy").locator(".badge", has_text="sent")).to_be_visible()

            # Asiakas Oy objects: no engagement date is accepted while the objection is open.
            _answer(page, "Asiakas Oy", "objected", "Maija Asiakas, DPO", "No US transfers")
            expect(_notice(page, "Asiakas Oy")).to_contain_text("No US transfers")
            _engage(page, effective)
            problem = page.locator("#problem")
            expect(problem).to_contain_text("Asiakas Oy objected on")
            expect(problem).to_contain_text("Client Ltd (specific authorisation) has not consented")

            _notice(page, "Asiakas Oy").get_by_label("Resolve the objection").select_option(
                "withdrawn"
            )
            _notice(page, "Asiakas Oy").get_by_role("button", name="Resolve").click()
            _answer(page, "Client Ltd", "consented", "Client DPO")
            expect(_notice(page, "Client Ltd")).to_contain_text("consented")

            # Before Asiakas Oy's 30 days are over the date is refused (without an override).
            _engage(page, today + timedelta(days=10))
            expect(page.locator("#problem")).to_contain_text(
                "The objection period of Asiakas Oy runs until"
            )
            _engage(page, period_end + timedelta(days=1))
            expect(page.locator("h1 .badge")).to_have_text("in effect")

            # The chain link's own form asks the same rule.
            page.goto(server.url + "/vendors")
            page.get_by_label("Name or business ID").fill("Licentia")
            page.get_by_role("link", name="Licentia Distribution Ltd").first.click()
            vendor_path = re.sub(r"^.*?(/vendors/\d+).*$", r"\1", page.url)
            page.goto(server.url + vendor_path + "/edit")
            link = page.locator("#chain li", has=page.get_by_role("link", name=NEW, exact=True))
            link.get_by_label("Engaged from").fill((today + timedelta(days=5)).isoformat())
            link.get_by_role("button", name=f"Save the engagement dates of {NEW}").click()
            expect(page.locator("#problem")).to_contain_text(
                "The objection period of Asiakas Oy runs until"
            )

            # The public page and the Atom feed show the change, nothing internal.
            public.goto(server.url + "/subprocessors?lang=fi")
            planned = public.locator("h2:has-text('Suunnitellut muutokset') + table")
            expect(planned).to_contain_text(NEW)
            expect(planned).to_contain_text("Yhdysvallat")
            text = public.content()
            assert "Asiakas Oy" not in text and "fan@example.org" not in text
            feed = httpx.get(server.url + "/subprocessors.atom?lang=en", timeout=10)
            assert feed.headers["content-type"].startswith("application/atom+xml")
            assert NEW in feed.text and "<entry>" in feed.text
            public.set_viewport_size({"width": 390, "height": 900})
            public.screenshot(path=str(SHOTS / "customers-public-page-fi-390.png"), full_page=True)

            # The subscriber leaves through the link in the notice.
            public.goto(_link(fan, "/subprocessors/unsubscribe", server) + "&lang=fi")
            public.get_by_role("button", name=re.compile("Peru")).click()
            expect(public.get_by_text(re.compile("Et saa enää"))).to_be_visible()

            # In Finnish, at both widths: the change, the customers, a customer's form.
            page.get_by_role("button", name="Suomeksi").click()
            page.goto(change_url)
            expect(
                page.get_by_role("heading", name=re.compile("Alikäsittelijämuutos"))
            ).to_be_visible()
            _shots(page, "change")
            page.goto(server.url + "/subprocessor-changes")
            expect(page.get_by_text("0 julkisen sivun vahvistettua tilaajaa")).to_be_visible()
            _shots(page, "changes")
            page.goto(server.url + "/customers")
            _shots(page, "list")
            page.get_by_role("link", name="Asiakas Oy").click()
            expect(page.locator("#notices")).to_contain_text("vastustus peruttu")
            _shots(page, "customer")
            page.goto(server.url + "/customers")
            page.get_by_role("link", name="Uusi asiakas").click()
            _shots(page, "form")
            # No page needed a script the Content-Security-Policy blocks.
            errors = legal.errors + visitor.errors
            assert [e for e in errors if "Content Security Policy" in e] == []
        finally:
            legal.close()
    finally:
        visitor.close()
