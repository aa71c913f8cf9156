"""Workflow journeys in Chromium (issue 12): intake from request to clearance, a sub-processor
notice objected to, a DPF list with an unsure match left for a person to decide."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import Person


def shots(person: Person, name: str) -> None:
    """The page at 1280 px and at 768 px (the two widths the workspace must read well at)."""
    person.shot(name)
    person.page.set_viewport_size({"width": 768, "height": 900})
    person.shot(name)
    person.page.set_viewport_size({"width": 1280, "height": 900})


def csp_refusals(person: Person) -> list[str]:
    """Console errors from the Content-Security-Policy: a page that needs inline script."""
    return [e for e in person.errors if "Content Security Policy" in e]


def open_vendor(person: Person, name: str) -> None:
    page = person.page
    page.get_by_role("link", name="Vendors", exact=True).click()
    page.get_by_label("Name or business ID").fill(name.split()[0])
    page.get_by_label("Name or business ID").press("Enter")
    page.get_by_role("link", name=name, exact=True).click()


def test_procurement_asks_legal_approves_with_a_condition_and_the_vendor_is_cleared(
    person: Person, other_person: Person
) -> None:
    page = person.page
    person.login("procurement")
    page.get_by_role("link", name="Intake", exact=True).click()
    page.get_by_role("link", name="Ask for a new vendor or use").click()
    page.get_by_label("Find a vendor already in the register").press_sequentially("kaito")
    expect(page.get_by_label(re.compile("Kaito Devices K.K."))).to_be_visible()  # htmx narrows
    expect(page).to_have_url(re.compile(r"/intake/new$"))
    page.get_by_label(re.compile("Kaito Devices K.K.")).check()
    page.get_by_label("Service *").fill("Spare parts portal")
    page.get_by_label("Purposes (comma separated) *").fill("spare parts ordering")
    page.get_by_label("Data categories (comma separated) *").fill("contact")
    page.locator("#f-dest-0-country").select_option("DE")  # its EU service centre
    shots(person, "intake-form")
    page.get_by_role("button", name="Send the request").click()

    expect(page.get_by_role("heading", name=re.compile(r"Intake request \d+"))).to_be_visible()
    expect(page.locator("#precheck")).to_contain_text("destination needs no mechanism (EEA)")
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
    shots(person, "intake-precheck")
    request_url = page.url

    legal = other_person.page
    other_person.login("legal")
    expect(legal.locator(".count", has_text="open intake request")).to_contain_text("1")
    legal.get_by_role("link", name="Intake", exact=True).click()
    legal.get_by_label("State").select_option("open")
    legal.get_by_role("button", name="Show").click()
    legal.get_by_role("link", name="Kaito Devices K.K.").first.click()
    legal.get_by_role("button", name="Start the review").click()
    expect(legal.locator("h1 .badge")).to_have_text("in review")
    legal.get_by_label("Approve with conditions").check()
    legal.get_by_label("Conditions (one per line").fill(
        "Kaito confirms in writing that the portal is covered by the DPA"
    )
    legal.get_by_label("Conditions due on").fill((date.today() + timedelta(days=20)).isoformat())
    legal.get_by_role("button", name="Record the decision").click()

    expect(legal.locator("h1 .badge")).to_have_text("approved with conditions")
    expect(legal.locator("#clearance h2 .badge")).to_have_text("conditional")
    shots(other_person, "intake-conditional")

    legal.get_by_role("link", name="Reminders", exact=True).click()
    expect(legal.get_by_text("Kaito confirms in writing")).to_be_visible()

    legal.goto(request_url)
    legal.get_by_role("button", name="Mark condition 1 met").click()
    expect(legal.locator("h1 .badge")).to_have_text("approved")
    expect(legal.locator("#clearance h2 .badge")).to_have_text("approved")
    expect(legal.locator("#clearance")).to_contain_text("spare parts ordering")
    shots(other_person, "intake-cleared")

    page.get_by_role("link", name="Intake", exact=True).click()
    page.get_by_label("Only my requests").check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr .badge")).to_have_text("approved")
    shots(person, "intake-list")
    assert csp_refusals(person) == [] and csp_refusals(other_person) == []


def test_legal_records_a_notice_sees_it_overdue_and_objects(person: Person) -> None:
    page = person.page
    person.login("legal")
    open_vendor(person, "Licentia Distribution Ltd")
    page.get_by_role("link", name="Record a sub-processor notice").click()
    page.get_by_label("added").check()
    page.get_by_label("Sub-processor name").fill("Bulk Send Inc.")
    page.get_by_label("Sub-processor's country").select_option("US")
    page.get_by_label("Purpose").fill("E-mail delivery")
    received = date.today() - timedelta(days=45)
    page.get_by_label("Received on").fill(received.isoformat())
    page.get_by_label("Effective on").fill((received + timedelta(days=60)).isoformat())
    shots(person, "notice-form")
    page.get_by_role("button", name="Record the notice").click()

    impact = page.locator("#impact")
    expect(impact).to_contain_text("If we accept")
    vendors, transfers = impact.locator("table").first, impact.locator("table").last
    expect(vendors.locator("tbody tr", has_text="Bulk Send Inc.")).to_contain_text("blocked")
    expect(transfers.locator("tbody tr", has_text="Bulk Send Inc.")).to_contain_text("unlawful")
    expect(page.get_by_text("overdue", exact=True).first).to_be_visible()
    shots(person, "notice")

    page.get_by_role("link", name="Notices", exact=True).click()
    row = page.locator("tbody tr", has_text="Bulk Send Inc.")
    expect(row.locator(".badge.bad")).to_have_text("overdue")
    shots(person, "notices")
    page.get_by_role("link", name="Today", exact=True).click()
    expect(page.locator(".count", has_text="overdue sub-processor notice")).to_contain_text("1")

    page.get_by_role("link", name="Notices", exact=True).click()
    row.get_by_role("link", name="Bulk Send Inc.").click()
    page.get_by_label("Why we object").fill("US recipient without SCCs or a TIA.")
    page.get_by_label("Objection sent on").fill(date.today().isoformat())
    page.get_by_role("button", name="Object").click()
    expect(page.locator("h1 .badge")).to_have_text("objected")
    expect(page.get_by_text("US recipient without SCCs or a TIA.")).to_be_visible()
    expect(page.get_by_role("button", name="Accept the change")).to_have_count(0)
    assert csp_refusals(person) == []


def test_a_dpf_list_upload_reports_an_unsure_match_for_a_person(person: Person) -> None:
    page = person.page
    person.login("legal")
    page.get_by_role("link", name="DPF list").click()
    listing = (
        b"Organization Name,Participant ID,Status,Covered Data,EU-U.S. DPF\n"
        b'"Northwind Clouds, LLC",0000000N1wCdEfG,Active,Non-HR,Yes\n'
        b'"Acme Cloud, Inc.",0000000A1bCdEfG,Active,"HR, Non-HR",Yes\n'
    )
    page.get_by_label("List file (.csv or .json)").set_input_files(
        files=[{"name": "dpf-list.csv", "mimeType": "text/csv", "buffer": listing}]
    )
    page.get_by_role("button", name="Compare with the register").click()
    report = page.locator("#report")
    expect(report).to_contain_text("Report only: nothing was written.")
    unsure = report.locator("table").filter(has_text="Candidates on the list")
    expect(unsure).to_contain_text("Northwind Cloud LLC")
    expect(unsure).to_contain_text("Northwind Clouds, LLC")
    shots(person, "dpf-report")
    assert csp_refusals(person) == []


def test_procurement_sees_no_dpf_upload_and_the_workflow_in_finnish(person: Person) -> None:
    page = person.page
    person.login("procurement")
    expect(page.get_by_role("link", name="DPF list")).to_have_count(0)
    page.get_by_role("button", name="Suomeksi").click()
    page.get_by_role("link", name="Toimittajapyynnöt", exact=True).click()
    expect(page.get_by_role("heading", name="Toimittajapyynnöt")).to_be_visible()
    page.get_by_role("link", name="Pyydä uutta toimittajaa tai käyttötarkoitusta").click()
    page.get_by_label("Toimittajan nimi").fill("Postiljooni Oy")
    page.get_by_label("Toimittajan maa").select_option("FI")
    page.get_by_label("Palvelu *").fill("Uutiskirjeet")
    page.get_by_label("Käyttötarkoitukset (pilkuin eroteltuina) *").fill("markkinointi")
    page.get_by_label("Tietoryhmät (pilkuin eroteltuina) *").fill("contact")
    page.locator("#f-dest-0-country").select_option("US")
    page.locator("#f-dest-0-mechanism").select_option("scc_2021")
    page.locator("#f-dest-0-module").fill("2")
    page.get_by_role("button", name="Lähetä pyyntö").click()
    expect(page.locator("#precheck")).to_contain_text("tarvitaan käsittelysopimus (28 artikla)")
    shots(person, "intake-precheck-fi")
    page.get_by_role("button", name="In English").click()
