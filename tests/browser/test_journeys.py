"""The workspace's journeys, as people live them, in Chromium against a real server."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Person


def _badge(person: Person) -> object:
    return person.page.locator("h1 .badge")


def test_legal_registers_a_us_cloud_vendor_with_dpa_scc_transfer_and_tia(person: Person) -> None:
    page = person.page
    person.login("legal")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    person.shot("today")

    page.get_by_role("link", name="Vendors", exact=True).click()
    page.get_by_role("link", name="New vendor").click()
    page.get_by_label("Name *").fill("Skyhigh Cloud Inc.")
    page.get_by_label("Business ID").fill("US-SKY-1")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Category").select_option("cloud_hosting")
    page.get_by_label("Status").select_option("approved")
    person.shot("vendor-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Skyhigh Cloud Inc."))).to_be_visible()

    page.get_by_role("link", name="New agreement").click()
    page.get_by_label("Kind *").select_option("scc_2021")
    page.get_by_label("SCC module").fill("2")
    page.get_by_label("Status").select_option("signed")
    page.get_by_label("Signed on").fill("2025-03-01")
    page.get_by_label("Effective on").fill("2025-03-01")
    page.get_by_label("Term", exact=True).fill("3 years")
    page.get_by_label("Attachment (signed copy)").set_input_files(
        files=[{"name": "dpa.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 signed"}]
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name=re.compile("scc_2021"))).to_be_visible()

    page.get_by_role("link", name="New transfer").click()
    expect(page.get_by_label("Mechanism *")).to_have_value("scc_2021")
    expect(page.get_by_label("SCC module")).to_have_value("2")  # proposed from the roles
    person.shot("transfer-form")
    page.get_by_label("Data categories (comma separated)").fill("identity, contact")
    page.get_by_label("Started on").fill("2025-03-01")
    page.get_by_role("button", name="Save").click()

    expect(_badge(person)).to_have_text("conditional")  # no TIA yet
    expect(page.get_by_text("No completed transfer impact assessment")).to_be_visible()

    page.get_by_role("link", name="Add a transfer impact assessment").click()
    page.get_by_label("Completed on").fill("2025-03-15")
    page.get_by_label("Conclusion").select_option("adequate_with_measures")
    page.get_by_label("Supplementary measures").fill("Keys held in the EU")
    page.get_by_label("Next review on").fill("2030-03-15")
    page.get_by_role("button", name="Save").click()

    expect(_badge(person)).to_have_text("approved")
    expect(page.locator("td .badge", has_text="lawful")).to_be_visible()
    person.shot("vendor")


def test_procurement_finds_a_vendor_by_part_of_its_name_and_cannot_edit(person: Person) -> None:
    page = person.page
    person.login("procurement")
    page.get_by_role("link", name="Procurement check").click()
    page.get_by_label("Vendor name or business ID (part is enough)").fill("northw")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", name=re.compile("Northwind Cloud LLC"))).to_be_visible()
    expect(page.locator(".verdict .badge").first).to_have_text(
        re.compile("approved|conditional|blocked")
    )
    person.shot("check")

    page.get_by_label("Vendor name or business ID (part is enough)").fill("nortwind clod llc")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Did you mean")).to_be_visible()
    page.get_by_role("link", name="Northwind Cloud LLC").click()
    expect(page.get_by_role("heading", name=re.compile("Northwind Cloud LLC"))).to_be_visible()

    page.get_by_role("link", name="Open the vendor page").click()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    vendor_url = page.url
    person.page.goto(vendor_url + "/edit")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_two_people_edit_the_same_vendor_and_the_second_sees_the_conflict(
    person: Person, other_person: Person
) -> None:
    person.login("legal")
    other_person.login("legal2")
    for p in (person, other_person):
        p.go("/vendors?q=Kaito")
        p.page.get_by_role("link", name="Kaito Devices K.K.").click()
        p.page.get_by_role("link", name="Edit").click()
    person.page.get_by_label("Notes").fill("Warranty contract renewed")
    person.page.get_by_role("button", name="Save").click()
    expect(person.page.get_by_text("Warranty contract renewed", exact=True)).to_be_visible()

    other_person.page.get_by_label("Website").fill("https://kaito.example/jp")
    other_person.page.get_by_role("button", name="Save").click()
    expect(other_person.page.get_by_text("Someone else changed this vendor")).to_be_visible()
    expect(other_person.page.locator(".conflict")).to_contain_text("Warranty contract renewed")
    expect(other_person.page.get_by_label("Website")).to_have_value("https://kaito.example/jp")
    expect(other_person.page.get_by_label("Notes")).to_have_value("Warranty contract renewed")
    other_person.shot("conflict")

    other_person.page.get_by_role("button", name="Save").click()  # on top of the other change
    expect(other_person.page.get_by_text("https://kaito.example/jp", exact=True)).to_be_visible()
    expect(other_person.page.get_by_text("Warranty contract renewed", exact=True)).to_be_visible()


def test_script_names_render_as_text_csrf_less_posts_and_password_guessing_are_refused(
    person: Person, chromium: object
) -> None:
    page = person.page
    person.login("legal")
    person.go("/vendors/new")
    page.get_by_label("Name *").fill("<script>alert(1)</script>")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("<script>alert"))).to_be_visible()
    person.go("/vendors?q=script")
    expect(page.get_by_role("link", name="<script>alert(1)</script>")).to_be_visible()
    assert person.dialogs == []

    forged = page.request.post(
        person.server.url + "/vendors/new",
        form={"name": "Forged Oy", "country": "FI", "role": "processor"},
        max_redirects=0,
    )
    assert forged.status == 403
    person.go("/vendors?q=Forged")
    expect(page.get_by_text("No vendor matches.")).to_be_visible()

    stranger = Person(chromium, person.server)
    try:
        for _ in range(5):
            stranger.login("admin", "not the password")
            expect(stranger.page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
        stranger.login("admin")
        expect(stranger.page.get_by_role("alert")).to_contain_text("Too many failed logins")
        stranger.shot("login-throttled")
    finally:
        stranger.close()
