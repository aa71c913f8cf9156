"""Edit forms for agreements, assessments, organisations and processings, the vendor's contacts
and sub-processor chain, and documents generated from the transfer and assessment pages."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.web.conftest import Browser, People
from transfers.db import session_factory
from transfers.models import (
    Agreement,
    AgreementAttachment,
    Organisation,
    Processing,
    Vendor,
    VendorSubprocessor,
)

HIDDEN = re.compile(r'name="((?:orig-)?[a-z_]+)" value="([^"]*)"')


def _form(page: str) -> dict[str, str]:
    """What the browser sends back untouched: each field as shown (from its hidden original)."""
    fields: dict[str, str] = {}
    for name, value in HIDDEN.findall(page):
        if name.startswith("orig-"):
            fields[name] = value.replace("&#34;", '"').replace("&quot;", '"')
            fields[name.removeprefix("orig-")] = fields[name]
        elif name == "version":
            fields[name] = value
    fields.pop("contacts", None)
    return fields


async def _vendor(browser: Browser, name: str, country: str = "US") -> None:
    await browser.get("/vendors/new")
    response = await browser.post(
        "/vendors/new", {"name": name, "country": country, "role": "processor"}
    )
    assert response.status_code == 303, response.text


async def test_a_stale_agreement_edit_lists_field_theirs_yours_and_saves_nothing(
    browser: Browser, second_browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    await _vendor(browser, "Acme Cloud")
    await browser.get("/vendors/1/agreements/new")
    created = await browser.post(
        "/vendors/1/agreements/new", {"kind": "dpa", "status": "signed", "signed_on": "2025-01-01"}
    )
    assert created.status_code == 303
    await second_browser.login(people.admin)

    mine = _form((await browser.get("/agreements/1/edit")).text)
    theirs = _form((await second_browser.get("/agreements/1/edit")).text)
    assert (
        await browser.post("/agreements/1/edit", {**mine, "term": "3 years"})
    ).status_code == 303
    stale = await second_browser.post("/agreements/1/edit", {**theirs, "term": "2 years"})
    assert stale.status_code == 412
    assert "Someone else changed this record" in stale.text
    row = re.search(
        r"<tr><th scope=\"row\">Term</th><td>([^<]*)</td><td>([^<]*)</td></tr>", stale.text
    )
    assert row is not None and row.groups() == ("P3Y", "2 years"), stale.text
    async with session_factory(engine)() as s:
        agreement = await s.scalar(select(Agreement))
        assert agreement is not None and agreement.term == "P3Y"

    again = {**_form(stale.text), "term": "2 years"}
    assert (await second_browser.post("/agreements/1/edit", again)).status_code == 303
    async with session_factory(engine)() as s:
        agreement = await s.scalar(select(Agreement))
        assert agreement is not None and agreement.term == "P2Y"


async def test_an_agreement_edit_can_attach_the_signed_copy(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    await _vendor(browser, "Acme Cloud")
    await browser.get("/vendors/1/agreements/new")
    await browser.post("/vendors/1/agreements/new", {"kind": "dpa", "status": "draft"})
    form = _form((await browser.get("/agreements/1/edit")).text)
    response = await browser.client.post(
        "/agreements/1/edit",
        data={**form, "status": "signed", "signed_on": "2025-02-01", "csrf_token": browser.csrf},
        files={"file": ("signed.pdf", b"%PDF-1.4 signed", "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    async with session_factory(engine)() as s:
        assert await s.scalar(select(Agreement.status)) == "signed"
        assert await s.scalar(select(AgreementAttachment.filename)) == "signed.pdf"


async def test_organisation_and_processing_edits_save_only_what_changed(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    await browser.get("/organisations/new")
    await browser.post("/organisations/new", {"name": "Esimerkki Oy", "country": "FI"})
    page = await browser.get("/organisations")
    assert 'href="/organisations/1/edit"' in page.text
    form = _form((await browser.get("/organisations/1/edit")).text)
    bad = await browser.post("/organisations/1/edit", {**form, "country": "XX"})
    assert bad.status_code == 422
    assert "Unknown country code" in bad.text
    ok = await browser.post("/organisations/1/edit", {**form, "dpo_name": "Tietosuoja Tiina"})
    assert ok.status_code == 303
    await _vendor(browser, "Acme Cloud")
    await browser.get("/vendors/1/processings/new")
    await browser.post("/vendors/1/processings/new", {"service": "CRM", "purposes": "sales"})
    form = _form((await browser.get("/processings/1/edit")).text)
    saved = await browser.post("/processings/1/edit", {**form, "retention": "5 years"})
    assert saved.status_code == 303
    async with session_factory(engine)() as s:
        org = await s.scalar(select(Organisation))
        processing = await s.scalar(select(Processing))
    assert org is not None and (org.dpo_name, org.country) == ("Tietosuoja Tiina", "FI")
    assert processing is not None
    assert (processing.retention, processing.purposes) == ("5 years", ["sales"])


async def test_who_signs_is_recorded_in_the_vendor_and_organisation_forms(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    """The signature blocks of the documents print these (issue 27 item 6)."""
    await browser.login(people.legal)
    await browser.get("/organisations/new")
    await browser.post("/organisations/new", {"name": "Esimerkki Oy", "country": "FI"})
    form = _form((await browser.get("/organisations/1/edit")).text)
    body = {**form, "signatory_name": "Matti Esimerkki", "signatory_title": "toimitusjohtaja"}
    assert (await browser.post("/organisations/1/edit", body)).status_code == 303
    await _vendor(browser, "Acme Cloud")
    form = _form((await browser.get("/vendors/1/edit")).text)
    body = {**form, "signatory_name": "Jane Roe", "signatory_title": "General Counsel"}
    assert (await browser.post("/vendors/1/edit", body)).status_code == 303
    async with session_factory(engine)() as s:
        org = await s.scalar(select(Organisation))
        vendor = await s.scalar(select(Vendor))
    assert org is not None and vendor is not None
    assert (org.signatory_name, org.signatory_title) == ("Matti Esimerkki", "toimitusjohtaja")
    assert (vendor.signatory_name, vendor.signatory_title) == ("Jane Roe", "General Counsel")


async def test_procurement_cannot_open_or_post_the_edit_forms(
    browser: Browser, people: People
) -> None:
    await browser.login(people.procurement)
    for url in ("/agreements/1/edit", "/organisations/1/edit", "/processings/1/edit"):
        assert (await browser.post(url, {"version": "1", "name": "x"})).status_code == 403


async def test_vendor_contacts_are_added_changed_and_removed_in_the_vendor_form(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    await _vendor(browser, "Acme Cloud")
    form = _form((await browser.get("/vendors/1/edit")).text)
    body = {**form, "contact-name": "Maija Meikäläinen", "contact-email": "maija@acme.example"}
    assert (await browser.post("/vendors/1/edit", body)).status_code == 303
    page = (await browser.get("/vendors/1/edit")).text
    assert 'value="maija@acme.example"' in page
    form = _form(page)
    half = await browser.post(
        "/vendors/1/edit", {**form, "contact-name": "", "contact-email": "x@y.fi"}
    )
    assert half.status_code == 422
    assert "Give the contact&#39;s name" in half.text
    removed = await browser.post("/vendors/1/edit", {**form, "contact-name": ""})
    assert removed.status_code == 303
    async with session_factory(engine)() as s:
        assert await s.scalar(select(Vendor.contacts)) == []


async def test_sub_processor_links_are_added_removed_and_a_cycle_is_refused(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    await _vendor(browser, "Acme Cloud")
    await _vendor(browser, "Bolt Storage")
    await browser.get("/vendors/1/edit")
    added = await browser.post("/vendors/1/subprocessors", {"subprocessor": "Bolt"})
    assert added.status_code == 303
    await browser.get("/vendors/2/edit")
    cycle = await browser.post("/vendors/2/subprocessors", {"subprocessor": "Acme Cloud"})
    assert cycle.status_code == 422
    error = re.search(r'<p class="field-error" id="subprocessor-error">([^<]*)</p>', cycle.text)
    assert error is not None and "cycle" in error.group(1)
    unknown = await browser.post("/vendors/2/subprocessors", {"subprocessor": "Acme Clud"})
    assert unknown.status_code == 422 and "Did you mean: Acme Cloud?" in unknown.text
    async with session_factory(engine)() as s:
        links = (
            await s.execute(
                select(VendorSubprocessor.vendor_id, VendorSubprocessor.subprocessor_id)
            )
        ).all()
    assert [tuple(r) for r in links] == [(1, 2)]
    await browser.get("/vendors/1/edit")
    assert (await browser.post("/vendors/1/subprocessors/2/remove", {})).status_code == 303
    async with session_factory(engine)() as s:
        assert (await s.scalar(select(VendorSubprocessor.id))) is None


async def test_scc_annexes_and_the_tia_are_generated_from_their_pages_and_listed_with_the_vendor(
    browser: Browser, people: People
) -> None:
    await browser.login(people.legal)
    await browser.get("/organisations/new")
    await browser.post(
        "/organisations/new",
        {
            "name": "Esimerkki Oy",
            "country": "FI",
            "roles": "controller",
            "business_id": "1234567-8",
            "address": "Katu 1, Helsinki",
        },
    )
    await _vendor(browser, "Acme Cloud")
    await browser.get("/vendors/1/processings/new")
    await browser.post(
        "/vendors/1/processings/new",
        {
            "service": "CRM",
            "purposes": "sales",
            "data_categories": "contact",
            "organisation_id": "1",
            "nature": "Hosting",
            "data_subject_categories": "customers",
            "technical_measures": "Encryption",
        },
    )
    await browser.get("/vendors/1/transfers/new")
    await browser.post(
        "/vendors/1/transfers/new",
        {
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "scc_2021",
            "scc_module": "2",
            "data_categories": "contact",
            "started_on": "2025-01-01",
            "frequency": "systematic",
        },
    )
    await browser.get("/transfers/1/assessments/new")
    await browser.post(
        "/transfers/1/assessments/new",
        {
            "completed_on": "2025-01-10",
            "conclusion": "adequate_with_measures",
            "supplementary_measures": "Keys held in the EU",
            "importer_finding": "Section 702 reaches the importer; it sees only ciphertext.",
            "conclusion_reasoning": "The keys stay in the EU.",
        },
    )
    page = await browser.get("/transfers/1")
    assert page.status_code == 200 and "SCC annexes" in page.text
    # The register's texts are typed in English: a Finnish document without their Finnish
    # text is refused with what is missing, never printed in English.
    refused = await browser.post(
        "/documents",
        {"kind": "scc_annexes", "language": "fi", "transfer_id": "1", "next": "/transfers/1"},
    )
    assert refused.status_code == 422 and "Service, in Finnish" in refused.text
    made = await browser.post(
        "/documents",
        {"kind": "scc_annexes", "language": "en", "transfer_id": "1", "next": "/transfers/1"},
    )
    assert made.status_code == 303, made.text
    assert made.headers["location"].startswith("/transfers/1#document-")
    page = await browser.get("/assessments/1")
    assert page.status_code == 200
    made = await browser.post(
        "/documents",
        {"kind": "tia", "language": "en", "assessment_id": "1", "next": "/assessments/1"},
    )
    assert made.status_code == 303, made.text
    assert ".docx" in (await browser.get("/assessments/1")).text
    vendor_page = (await browser.get("/vendors/1")).text
    documents = vendor_page[vendor_page.index("<h2>Documents</h2>") :]
    assert documents.count('/download"') == 2  # the annexes and the TIA, with the vendor's
    download = await browser.client.get(made.headers["location"].split("#")[0])
    assert download.status_code == 200


async def test_a_character_xml_cannot_hold_is_refused_next_to_the_field(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    """The same edge as the API (issue 22): U+FFFF would break every XLSX export."""
    await browser.login(people.legal)
    await browser.get("/vendors/new")
    response = await browser.post(
        "/vendors/new", {"name": "Acme\uffff", "country": "US", "role": "processor"}
    )
    assert response.status_code == 422, response.text
    async with session_factory(engine)() as s:
        assert (await s.scalars(select(Vendor))).all() == []
