"""The workspace's journeys, as people live them, in Chromium against a real server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.conftest import PASSWORD, Person


def _badge(person: Person) -> Locator:
    badge: Locator = person.page.locator("h1 .badge")
    return badge


def test_legal_registers_a_us_cloud_vendor_with_dpa_scc_transfer_and_tia(person: Person) -> None:
    page = person.page
    person.login("legal")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    person.shot("today")

    page.get_by_role("link", name="Vendors", exact=True).click()
    page.get_by_role("link", name="New vendor").click()
    page.get_by_label("Name *").fill("Skyhigh Cloud Inc.")
    page.get_by_label("Business ID").fill("US-SKY-1")
    page.get_by_label("Country *").select_option("US")
    page.get_by_label("Category").select_option("cloud_hosting")
    page.get_by_label("Status").select_option("approved")
    person.shot("vendor-form")
    page.get_by_role("button", name="Save", exact=True).click()
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
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("cell", name=re.compile("scc_2021"))).to_be_visible()
    with page.expect_download() as signed_copy:
        page.get_by_role("link", name="dpa.pdf").click()
    assert signed_copy.value.suggested_filename == "dpa.pdf"

    page.get_by_role("link", name="New transfer").click()
    expect(page.get_by_label("Mechanism *")).to_have_value("scc_2021")
    expect(page.get_by_label("SCC module")).to_have_value("2")  # proposed from the roles
    person.shot("transfer-form")
    page.get_by_label("Data categories (comma separated)").fill("identity, contact")
    page.get_by_label("Started on").fill("2025-03-01")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(_badge(person)).to_have_text("conditional")  # no TIA yet
    expect(page.get_by_text("No completed transfer impact assessment").first).to_be_visible()

    page.get_by_role("link", name="Add a transfer impact assessment").click()
    page.get_by_label("Completed on").fill("2025-03-15")
    page.get_by_label("Conclusion", exact=True).select_option("adequate_with_measures")
    page.get_by_label("Supplementary measures", exact=True).fill("Keys held in the EU")
    page.get_by_label("Next review on").fill("2030-03-15")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(_badge(person)).to_have_text("approved")
    expect(page.locator("td .badge", has_text="lawful")).to_be_visible()
    person.shot("vendor")


@pytest.mark.usefixtures("sqlite_only")
def test_procurement_finds_a_vendor_by_part_of_its_name_and_cannot_edit(person: Person) -> None:
    page = person.page
    person.login("procurement")
    page.get_by_role("link", name="Vendors", exact=True).click()
    page.get_by_label("Name or business ID").press_sequentially(
        "licentia"
    )  # htmx narrows as one types
    expect(page.locator("#vendor-rows tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/vendors\?q=licentia"))
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
    expect(page.get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
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
        p.page.get_by_role("link", name="Edit", exact=True).click()
    person.page.get_by_label("Notes").fill("Warranty contract renewed")
    person.page.get_by_role("button", name="Save", exact=True).click()
    expect(person.page.get_by_text("Warranty contract renewed", exact=True)).to_be_visible()

    other_person.page.get_by_label("Website").fill("https://kaito.example/jp")
    other_person.page.get_by_role("button", name="Save", exact=True).click()
    expect(other_person.page.get_by_text("Someone else changed this vendor")).to_be_visible()
    expect(other_person.page.locator(".conflict")).to_contain_text("Warranty contract renewed")
    expect(other_person.page.get_by_label("Website")).to_have_value("https://kaito.example/jp")
    expect(other_person.page.get_by_label("Notes")).to_have_value("Warranty contract renewed")
    other_person.shot("conflict")

    other_person.page.get_by_role(
        "button", name="Save", exact=True
    ).click()  # on top of the other change
    expect(other_person.page.get_by_text("https://kaito.example/jp", exact=True)).to_be_visible()
    expect(other_person.page.get_by_text("Warranty contract renewed", exact=True)).to_be_visible()


@pytest.mark.usefixtures("sqlite_only")
def test_script_names_render_as_text_csrf_less_posts_and_password_guessing_are_refused(
    person: Person, chromium: object
) -> None:
    page = person.page
    person.login("legal")
    person.go("/vendors/new")
    page.get_by_label("Name *").fill("<script>alert(1)</script>")
    page.get_by_label("Country *").select_option("SE")  # no country is preselected
    page.get_by_role("button", name="Save", exact=True).click()
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


BAD_CSV = (
    "name,business_id,country,role,destination_country,mechanism,scc_module\n"
    "Fjord Analytics AS,NO-998877,NO,processor,NO,adequacy,\n"
    "Mistral Support SAS,FR-445566,Atlantis,processor,US,SCC 2021,2\n"
)
GOOD_CSV = BAD_CSV.replace("Atlantis", "FR")


def test_an_import_with_a_bad_row_writes_nothing_and_the_corrected_file_imports(
    person: Person,
) -> None:
    page = person.page
    person.login("legal")
    page.get_by_role("link", name="Import and export").click()
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(
        files=[{"name": "vendors.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("nothing was written")).to_be_visible()
    expect(page.get_by_role("cell", name="Atlantis", exact=True)).to_be_visible()
    person.shot("import-report")
    person.go("/vendors?q=Fjord")
    expect(page.get_by_text("No vendor matches.")).to_be_visible()

    person.go("/import")
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(
        files=[{"name": "vendors.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("no problems")).to_be_visible()
    other_tab = person.context.new_page()
    other_tab.goto(person.server.url + "/vendors?q=Fjord")
    expect(other_tab.get_by_text("No vendor matches.")).to_be_visible()  # a dry run writes nothing
    other_tab.close()
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_role("status")).to_contain_text("Imported vendors.csv")
    person.go("/vendors?q=Fjord")
    expect(page.get_by_role("link", name="Fjord Analytics AS")).to_be_visible()


def test_a_finnish_dpa_is_generated_downloaded_and_opens_as_docx(
    person: Person, tmp_path: object
) -> None:
    from docx import Document as Docx

    page = person.page
    person.login("legal")
    person.go("/vendors?q=Zentick")
    page.get_by_role("link", name="Zentick Support Inc.").click()
    page.get_by_label("Document", exact=True).select_option("dpa")
    page.get_by_label("Language").select_option("fi")
    page.get_by_role("button", name="Generate").click()
    link = page.locator("li[id^=document-] a").first
    expect(link).to_contain_text("fi")
    with page.expect_download() as info:
        link.click()
    target = f"{tmp_path}/dpa.docx"
    info.value.save_as(target)
    text = "\n".join(p.text for p in Docx(target).paragraphs)
    assert "Zentick" in text
    assert "käsittel" in text.lower()  # Finnish: käsittelijä, käsittely ...


@pytest.mark.usefixtures("sqlite_only")
def test_a_snoozed_reminder_leaves_today_until_its_date(person: Person) -> None:
    page = person.page
    person.login("legal")
    person.go("/reminders?within=30d")
    first = page.locator("tbody tr").first
    title = first.locator("td").nth(1).inner_text().split("\n")[0].strip()
    # the citation sits in the same cell; keep only the sentence people read
    title = title.split(" GDPR")[0].split(" Commission")[0]
    person.go("/")
    expect(page.locator("#reminders")).to_contain_text(title[:40])
    person.go("/reminders?within=30d")
    first = page.locator("tbody tr").first
    first.get_by_label("Snooze until").fill("2099-01-01")
    first.get_by_role("button", name="Snooze").click()
    person.go("/")
    expect(page.locator("#reminders")).not_to_contain_text(title[:40])
    person.go("/reminders?within=30d&include_done=true")
    expect(page.get_by_text("snoozed → 2099-01-01")).to_be_visible()
    person.shot("reminders")


MAIN_PAGES = {
    "today": "/",
    "vendors": "/vendors",
    "vendor-page": "/vendors/1",
    "procurement-check": "/check?q=cloud",
    "is-it-lawful": "/lawful?dpf_falls_on=2027-06-01",
    "reminders": "/reminders",
    "documents": "/documents",
    "import-export": "/import",
    "audit-log": "/audit",
    "organisations": "/organisations",
    "transfer-form": "/vendors/1/transfers/new",
    "vendor-edit": "/vendors/1/edit",
    "transfer-page": "/transfers/1",
    "assessment-page": "/assessments/1",
    "agreement-edit": "/agreements/1/edit",
    "assessment-edit": "/assessments/1/edit",
    "processing-edit": "/processings/1/edit",
    "organisation-edit": "/organisations/1/edit",
    "password": "/account/password",
}


@pytest.mark.usefixtures("sqlite_only")
def test_every_main_page_fits_1280_and_768_pixels_and_is_saved_as_a_screenshot(
    chromium: object, server: object
) -> None:
    for width in (1280, 768):
        person = Person(chromium, server, width=width)  # type: ignore[arg-type]
        try:
            person.login("legal")
            for name, path in MAIN_PAGES.items():
                response = person.go(path)
                assert response.status == 200, (path, response.status)  # type: ignore[attr-defined]
                expect(person.page.locator("h1")).to_be_visible()
                overflow = person.page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
                unlabelled = person.page.evaluate(
                    """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                       .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                       .map(e => e.name || e.id)"""
                )
                assert unlabelled == [], f"{path}: inputs without a label: {unlabelled}"
                person.shot(name)
            blocked = [e for e in person.errors if "Content Security Policy" in e]
            assert blocked == [], blocked  # htmx and the stylesheet load under the strict CSP
        finally:
            person.close()


def test_two_people_edit_an_agreement_the_second_sees_field_theirs_yours_then_attaches_a_copy(
    person: Person, other_person: Person
) -> None:
    person.login("legal")
    other_person.login("legal2")
    for p in (person, other_person):
        p.go("/vendors/2")
        p.page.get_by_role("link", name="Edit agreement 2").click()
    person.page.get_by_label("Term", exact=True).fill("2 years")
    person.page.get_by_role("button", name="Save", exact=True).click()
    expect(person.page.get_by_role("cell", name=re.compile("P2Y"))).to_be_visible()

    other = other_person.page
    other.get_by_label("Notes").fill("Renewal negotiated by procurement")
    other.get_by_role("button", name="Save", exact=True).click()
    conflict = other.locator(".conflict")
    expect(conflict).to_contain_text("Someone else changed this record")
    expect(conflict.get_by_role("row", name=re.compile("^Term"))).to_contain_text("P2Y")
    expect(other.get_by_label("Notes")).to_have_value("Renewal negotiated by procurement")
    other_person.shot("agreement-conflict")
    other.get_by_label("Attachment (signed copy)").set_input_files(
        files=[{"name": "renewal.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 r"}]
    )
    other.get_by_role("button", name="Save", exact=True).click()  # on top of the other change
    expect(other.get_by_role("link", name="renewal.pdf")).to_be_visible()
    expect(other.get_by_role("cell", name=re.compile("P2Y"))).to_be_visible()


def test_legal_edits_an_organisation_a_processing_and_an_assessment(person: Person) -> None:
    page = person.page
    person.login("legal")
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Edit organisation Esimerkki IT-Palvelut Oy").click()
    page.get_by_label("Data protection officer").fill("Tietosuoja Tiina")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Organisations")).to_be_visible()
    person.go("/organisations/1/edit")
    expect(page.get_by_label("Data protection officer")).to_have_value("Tietosuoja Tiina")

    person.go("/vendors/1")
    page.get_by_role("link", name=re.compile("^Edit processing")).first.click()
    page.get_by_label("Retention", exact=True).fill("Six years after the contract ends")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Zentick"))).to_be_visible()

    person.go("/assessments/1")
    page.get_by_role("link", name="Edit assessment").click()
    page.get_by_label("Next review on").fill("2027-12-01")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_role("heading", name=re.compile("Transfer impact assessment 1"))
    ).to_be_visible()
    expect(page.locator("dl.profile")).to_contain_text("2027-12-01")


def test_vendor_contacts_and_sub_processor_links_are_edited_and_a_cycle_is_refused(
    person: Person,
) -> None:
    page = person.page
    person.login("legal")
    person.go("/vendors/4/edit")
    page.get_by_label(re.compile(r"^Contact \d+: Name$")).last.fill("Siobhan Kelly")
    page.get_by_label(re.compile(r"^Contact \d+: E-mail$")).last.fill("privacy@licentia.example")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("li", has_text="Siobhan Kelly")).to_contain_text("privacy@licentia.example")

    person.go("/vendors/4/edit")
    page.get_by_label("Add a sub-processor (name or business ID)").fill("Mumbai Data Centre")
    page.get_by_role("button", name="Add sub-processor").click()
    expect(
        page.locator("#chain").get_by_role("link", name="Mumbai Data Centre Pvt Ltd")
    ).to_be_visible()

    person.go("/vendors/6/edit")
    field = page.get_by_label("Add a sub-processor (name or business ID)")
    field.fill("Licentia Distribution Ltd")
    page.get_by_role("button", name="Add sub-processor").click()
    expect(page.locator("#subprocessor-error")).to_contain_text("cycle")
    expect(field).to_have_attribute("aria-invalid", "true")
    person.shot("vendor-chain-cycle")

    person.go("/vendors/4/edit")
    page.get_by_role("button", name="Remove sub-processor Mumbai Data Centre Pvt Ltd").click()
    expect(
        page.locator("#chain").get_by_role("link", name="Mumbai Data Centre Pvt Ltd")
    ).to_have_count(0)


def test_scc_annexes_and_the_tia_are_generated_from_their_pages_and_listed_with_the_vendor(
    person: Person,
) -> None:
    page = person.page
    person.login("legal")
    person.go("/vendors/1")
    page.get_by_role("link", name="Transfer 1", exact=True).click()
    page.get_by_label("Document").select_option("scc_annexes")
    page.get_by_label("Language").select_option("fi")
    page.get_by_role("button", name="Generate").click()
    link = page.locator("li[id^=document-] a").first
    expect(link).to_contain_text(".docx")
    with page.expect_download() as annexes:
        link.click()
    assert annexes.value.suggested_filename.endswith(".docx")
    person.shot("transfer-page")

    page.get_by_role("link", name="Assessment 1").click()
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("li[id^=document-]").first).to_contain_text("tia")
    person.shot("assessment-page")

    person.go("/vendors/1")
    documents = page.locator("section", has=page.get_by_role("heading", name="Documents"))
    expect(documents).to_contain_text("scc_annexes")
    expect(documents).to_contain_text("tia")


def test_the_what_if_lists_ready_and_blocked_vendors(person: Person) -> None:
    page = person.page
    person.login("procurement")
    page.get_by_role("link", name="Is it lawful?").click()
    page.get_by_label("What if the EU-US Data Privacy Framework falls on").fill("2027-06-01")
    page.get_by_role("button", name="Evaluate").click()
    expect(
        page.get_by_role("heading", name="Ready: a valid fallback covers every transfer")
    ).to_be_visible()
    blocked = page.locator("#blocked + ul")
    expect(blocked).to_contain_text("Northwind Cloud LLC")  # one DPF transfer has no fallback
    person.shot("what-if")


def test_a_person_changes_their_password_and_their_other_session_ends(
    person: Person, other_person: Person
) -> None:
    person.login("procurement2")
    other_person.login("procurement2")
    page = person.page
    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Current password *").fill("wrong password!")
    page.get_by_label("New password *").fill("a-longer-passphrase")
    page.get_by_label("New password again *").fill("a-longer-passphrase")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#current_password-error")).to_be_visible()
    page.get_by_label("Current password *").fill(PASSWORD)
    page.get_by_label("New password *").fill("a-longer-passphrase")
    page.get_by_label("New password again *").fill("a-longer-passphrase")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Your password was changed")
    person.shot("password-changed")
    other_person.go("/")
    expect(other_person.page.get_by_role("button", name="Log in")).to_be_visible()
    other_person.login("procurement2", "a-longer-passphrase")
    expect(other_person.page.get_by_role("heading", name="Today")).to_be_visible()


def test_the_audit_log_is_filtered_by_a_date_range(person: Person) -> None:
    page = person.page
    person.login("legal")
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("From").fill("2000-01-01")
    page.get_by_label("To").fill("2000-01-31")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(0)
    page.get_by_label("To").fill("2099-12-31")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr").first).to_be_visible()
    person.shot("audit-range")
