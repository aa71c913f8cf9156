"""Legal registers a US vendor entirely through the forms, in Finnish, without typing an id, and
follows the missing-data checklist until the Finnish DPA generates (issue 23 items 1-3)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Person


def _no_id_inputs(page: Page) -> None:
    """No form asks for a database id: related records are chosen from a list."""
    labels = page.locator("form.form label").all_inner_texts()
    assert not [t for t in labels if re.search(r"\(id\)|\bid\b", t, re.I)], labels


def _save(page: Page) -> None:
    page.locator("form.form button.primary").click()


def test_legal_registers_a_us_vendor_through_forms_and_downloads_its_finnish_dpa(
    person: Person,
) -> None:
    from docx import Document as Docx

    page = person.page
    person.login("legal")
    page.get_by_role("button", name="Suomeksi").click()

    person.go("/vendors/new")
    _no_id_inputs(page)
    page.locator("#f-name").fill("Aurora Analytics Inc.")
    page.locator("#f-business_id").fill("US-AURORA-7")
    page.locator("#f-country").select_option("US")
    page.locator("#f-address").fill("1 Market Street, San Francisco, CA 94105, USA")
    page.locator("#f-role").select_option("processor")
    page.locator("#f-status").select_option("approved")
    _save(page)
    expect(page.get_by_role("heading", name=re.compile("Aurora Analytics Inc."))).to_be_visible()
    vendor_url = page.url
    vendor_id = int(vendor_url.rstrip("/").rsplit("/", 1)[1])

    # The vendor page says in Finnish what the DPA still needs, each item a link.
    checklist = page.locator("#missing")
    expect(checklist).to_contain_text("Ennen kuin käsittelysopimus voidaan laatia")
    expect(checklist).to_contain_text("Kirjaa, mitä toimittaja käsittelee puolestamme")
    expect(checklist).not_to_contain_text("processing.")
    person.shot("forms23-vendor-checklist-fi")

    # The DPA, without the sub-processor authorisation for now.
    person.go(f"/vendors/{vendor_id}/agreements/new")
    _no_id_inputs(page)
    page.locator("#f-kind").select_option("dpa")
    page.locator("#f-status").select_option("signed")
    page.locator("#f-signed_on").fill("2026-11-20")
    page.locator("#f-effective_on").fill("2026-11-20")
    page.locator("#f-term").fill("3 vuotta")
    _save(page)

    # SCC Module 2, with its clause elections.
    person.go(f"/vendors/{vendor_id}/agreements/new")
    page.locator("#f-kind").select_option("scc_2021")
    page.locator("#f-scc_module").fill("2")
    page.locator("#f-status").select_option("signed")
    page.locator("#f-signed_on").fill("2026-11-20")
    expect(page.locator('[id="f-scc_clauses.governing_law"]')).to_have_value("FI")
    page.locator('[id="f-scc_clauses.redress_body"]').fill("")
    person.shot("forms23-agreement-form-fi")
    _save(page)

    # The processing: its organisation picked by name, its texts in Finnish and English.
    person.go(f"/vendors/{vendor_id}/processings/new")
    _no_id_inputs(page)
    page.locator("#f-service").fill("Web analytics")
    page.locator("#f-organisation_id").select_option(index=1)
    assert page.locator("#f-organisation_id option:checked").inner_text().strip() not in ("", "—")
    page.locator("#f-purposes").fill("service analytics")
    page.locator("#f-data_categories").fill("usage, network_location")
    page.locator("#f-data_subject_categories").fill("customers")
    page.locator("#f-nature").fill("Collection and analysis of usage events")
    page.locator("#f-technical_measures").fill("Encryption in transit and at rest")
    page.locator('[id="f-translations.fi.service"]').fill("Verkkoanalytiikka")
    page.locator('[id="f-translations.fi.nature"]').fill("Käyttötapahtumien keruu ja analyysi")
    page.locator('[id="f-translations.fi.purposes"]').fill("palvelun analytiikka")
    page.locator('[id="f-translations.fi.technical_measures"]').fill(
        "Salaus siirron aikana ja levossa"
    )
    _save(page)

    # The transfer: the SCC Module 2 agreement is proposed, picked by its readable label.
    person.go(f"/vendors/{vendor_id}/transfers/new")
    _no_id_inputs(page)
    agreement = page.locator("#f-agreement_id option:checked")
    expect(agreement).to_have_text(
        re.compile(r"^Vakiosopimuslausekkeet \(2021\), moduuli 2, allekirjoitettu 20\.11\.2026$")
    )
    page.locator("#f-processing_id").select_option(label="Web analytics")
    page.locator("#f-data_categories").fill("usage")
    page.locator("#f-started_on").fill("2026-11-20")
    page.locator("#f-dpf_certified").select_option("no")
    person.shot("forms23-transfer-form-fi")
    _save(page)
    expect(page).to_have_url(re.compile(rf"/vendors/{vendor_id}$"))

    # The TIA from the transfer's page.
    transfer_link = page.locator("a[href^='/transfers/']").first
    transfer_link.click()
    page.locator("a[href$='/assessments/new']").first.click()
    _no_id_inputs(page)
    page.locator("#f-completed_on").fill("2026-11-25")
    page.locator("#f-conclusion").select_option("adequate_with_measures")
    page.locator("#f-supplementary_measures").fill("Pseudonymised identifiers")
    page.locator('[id="f-translations.fi.supplementary_measures"]').fill(
        "Pseudonymisoidut tunnisteet"
    )
    page.locator("#f-next_review_on").fill("2027-11-25")
    _save(page)

    # One thing is still missing; the checklist links to the very field.
    person.go(f"/vendors/{vendor_id}")
    item = page.locator("#missing a", has_text="Alikäsittelijöiden hyväksyntä")
    expect(item).to_have_count(1)
    expect(page.locator("#missing a")).to_have_count(1)
    person.shot("forms23-vendor-one-missing-fi")
    # Generating now refuses with the same checklist, on the document page.
    page.locator("#d-kind").select_option("dpa")
    page.locator("#d-lang").select_option("fi")
    page.locator("form[action='/documents'] button").click()
    expect(page.get_by_role("heading", name="Asiakirjaa ei voi vielä laatia")).to_be_visible()
    person.shot("forms23-document-missing-fi")
    page.locator("#missing a", has_text="Alikäsittelijöiden hyväksyntä").click()
    expect(page).to_have_url(re.compile(r"/agreements/\d+/edit#f-subprocessor_authorisation$"))
    page.locator("#f-subprocessor_authorisation").select_option("general")
    page.locator("#f-objection_period_days").fill("30")
    _save(page)
    expect(page).to_have_url(re.compile(rf"/vendors/{vendor_id}$"))  # saved, not refused

    person.go(f"/vendors/{vendor_id}")
    expect(page.locator("#missing")).to_have_count(0)
    page.locator("#d-kind").select_option("dpa")
    page.locator("#d-lang").select_option("fi")
    page.locator("form[action='/documents'] button").click()
    link = page.locator("li[id^=document-] a").first
    expect(link).to_contain_text(".docx")
    with page.expect_download() as info:
        link.click()
    document = Docx(str(info.value.path()))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "Aurora Analytics Inc." in text
    assert "Verkkoanalytiikka" in text, "the processing's Finnish text is in the Finnish DPA"
    person.shot("forms23-vendor-done-fi")
