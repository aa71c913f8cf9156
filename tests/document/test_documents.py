"""Documents rendered from a realistic register, in both languages, through the API."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from docx import Document as Docx
from lxml import etree

from tests.conftest import Api
from transfers.document.kinds import KINDS
from transfers.document.render import document_text

HOSTILE = 'AT&T <Cloud> "EU"'


async def register(api: Api) -> dict[str, Any]:
    """Cloud vendor in the USA on SCCs + DPF, warranty vendor in Japan, licence vendor in Ireland
    with a subprocessor in India."""
    org = await api.create(
        "/api/v1/organisations",
        {
            "name": "Esimerkki IT-Palvelut Oy",
            "business_id": "1234567-8",
            "address": "Esimerkkikatu 1, 00100 Helsinki",
            "country": "FI",
            "roles": ["controller", "processor"],
            "dpo_email": "dpo@esimerkki.example",
            "supervisory_authority": "Office of the Data Protection Ombudsman (Tietosuojavaltuutetun toimisto)",
        },
    )
    cloud = await api.create(
        "/api/v1/vendors",
        {
            "name": HOSTILE,
            "country": "US",
            "role": "processor",
            "category": "cloud_hosting",
            "status": "approved",
        },
    )
    await api.create(
        "/api/v1/processings",
        {
            "vendor_id": cloud["id"],
            "organisation_id": org["id"],
            "service": "Customer register hosting",
            "nature": "Hosting and storage",
            "purposes": ["CRM"],
            "data_categories": ["identity", "contact"],
            "data_subject_categories": ["customer contacts"],
            "technical_measures": "Encryption with EU-held keys; SSO with MFA",
            "translations": {
                "fi": {
                    "service": "Asiakasrekisterin ylläpito",
                    "nature": "Ylläpito ja tallennus",
                    "purposes": ["asiakkuudenhallinta"],
                    "data_subject_categories": ["asiakkaiden yhteyshenkilöt"],
                    "technical_measures": "Salaus EU:ssa säilytettävin avaimin; kertakirjautuminen ja monivaiheinen tunnistus",
                }
            },
        },
    )
    scc = await api.create(
        "/api/v1/agreements",
        {
            "vendor_id": cloud["id"],
            "kind": "scc_2021",
            "scc_module": 2,
            "status": "signed",
            "signed_on": "2024-01-10",
            "effective_on": "2024-01-10",
            "subprocessor_authorisation": "general",
            "objection_period_days": 30,
        },
    )
    scc_transfer = await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": cloud["id"],
            "organisation_id": org["id"],
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "scc_2021",
            "scc_module": 2,
            "agreement_id": scc["id"],
            "data_categories": ["identity", "contact"],
            "frequency": "systematic",
            "started_on": "2024-01-10",
        },
    )
    dpf_transfer = await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": cloud["id"],
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "dpf",
            "dpf_certified": True,
            "dpf_verified_on": "2026-10-01",
            "fallback_mechanism": "scc_2021",
            "data_categories": ["contact"],
            "frequency": "systematic",
            "started_on": "2024-01-10",
        },
    )
    tia = await api.create(
        "/api/v1/assessments",
        {
            "transfer_id": scc_transfer["id"],
            "completed_on": "2026-02-01",
            "conclusion": "adequate_with_measures",
            "supplementary_measures": "EU-held encryption keys",
            "procedural_steps": "No authorisation needed (SCCs unchanged)",
            "next_review_on": "2027-02-01",
            "importer_finding": "Section 702 reaches the importer as a cloud provider; it holds only ciphertext.",
            "conclusion_reasoning": "The keys stay in the EU, so only ciphertext can be disclosed.",
            "translations": {
                "fi": {
                    "supplementary_measures": "Salausavaimet säilytetään EU:ssa",
                    "procedural_steps": "Lupaa ei tarvita (vakiosopimuslausekkeet muuttamattomina)",
                    "importer_finding": "702 pykälä ulottuu tuojaan pilvipalvelujen tarjoajana; se säilyttää vain salattua tietoa.",
                    "conclusion_reasoning": "Avaimet pysyvät EU:ssa, joten vain salattua tietoa voidaan luovuttaa.",
                }
            },
        },
    )
    japan = await api.create(
        "/api/v1/vendors",
        {
            "name": "Kaito Devices K.K.",
            "country": "JP",
            "role": "processor",
            "category": "device_warranty",
            "status": "approved",
        },
    )
    await api.create(
        "/api/v1/processings",
        {
            "vendor_id": japan["id"],
            "service": "Warranty repairs",
            "our_role": "processor",
            "controller": "Our customers, each under its own data processing agreement",
            "purposes": ["warranty service"],
            "data_categories": ["device_serial_numbers"],
            "translations": {
                "fi": {
                    "service": "Takuukorjaukset",
                    "controller": "Asiakkaamme, kukin oman käsittelysopimuksensa nojalla",
                    "purposes": ["takuuhuolto"],
                }
            },
        },
    )
    await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": japan["id"],
            "exporter_role": "processor",
            "destination_country": "JP",
            "mechanism": "adequacy",
            "adequacy_scope_confirmed": True,
            "data_categories": ["device_serial_numbers"],
            "frequency": "systematic",
        },
    )
    ireland = await api.create(
        "/api/v1/vendors",
        {
            "name": "Licentia Distribution Ltd",
            "country": "IE",
            "role": "processor",
            "category": "software_licence",
            "status": "approved",
        },
    )
    await api.create(
        "/api/v1/processings",
        {
            "vendor_id": ireland["id"],
            "service": "Licence orders",
            "our_role": "processor",
            "controller": "Our customers, each under its own data processing agreement",
            "nature": "Order processing",
            "purposes": ["licence fulfilment"],
            "data_categories": ["identity", "employer"],
            "data_subject_categories": ["customers' staff"],
            "technical_measures": "TLS 1.2+; role-based access",
            "translations": {
                "fi": {
                    "service": "Lisenssitilaukset",
                    "controller": "Asiakkaamme, kukin oman käsittelysopimuksensa nojalla",
                    "nature": "Tilausten käsittely",
                    "purposes": ["lisenssien toimittaminen"],
                    "data_subject_categories": ["asiakkaiden henkilöstö"],
                    "technical_measures": "TLS 1.2 tai uudempi; roolipohjainen pääsynhallinta",
                }
            },
        },
    )
    await api.create(
        "/api/v1/agreements",
        {
            "vendor_id": ireland["id"],
            "kind": "dpa",
            "status": "signed",
            "signed_on": "2024-06-01",
            "effective_on": "2024-06-01",
            "term": "P2Y",
            "auto_renew": True,
            "notice_period": "P3M",
            "subprocessor_authorisation": "specific",
        },
    )
    india = await api.create(
        "/api/v1/vendors",
        {
            "name": "Bharat Licence Services Pvt Ltd",
            "country": "IN",
            "role": "subprocessor",
            "category": "software_licence",
            "status": "approved",
            "parent_vendor_ids": [ireland["id"]],
        },
    )
    india_scc = await api.create(
        "/api/v1/agreements",
        {
            "vendor_id": india["id"],
            "kind": "scc_2021",
            "scc_module": 3,
            "status": "signed",
            "signed_on": "2024-06-01",
        },
    )
    await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": india["id"],
            "exporter_role": "processor",
            "destination_country": "IN",
            "mechanism": "scc_2021",
            "scc_module": 3,
            "agreement_id": india_scc["id"],
            "data_categories": ["identity"],
            "frequency": "systematic",
        },
    )
    return {
        "org": org,
        "dpf_transfer": dpf_transfer,
        "india_scc": india_scc,
        "cloud": cloud,
        "scc_transfer": scc_transfer,
        "tia": tia,
        "japan": japan,
        "ireland": ireland,
        "india": india,
    }


def xml_is_valid(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))


async def render(api: Api, body: dict[str, Any]) -> tuple[dict[str, Any], str, bytes]:
    created = await api.post("/api/v1/documents", json=body)
    assert created.status_code == 201, created.text
    meta = created.json()
    download = await api.get(meta["content_url"], role="procurement")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert meta["filename"] in download.headers["content-disposition"]
    content = download.content
    xml_is_valid(content)
    Docx(io.BytesIO(content))  # opens as a Word document
    text = document_text(content)
    # "None." alone is an empty Annex III's own wording, not a value that leaked.
    checked = f"\n{text}\n".replace("\nNone.\n", "\n")
    for leftover in ("{{", "{%", "}}", "%}", "None"):
        assert leftover not in checked
    return meta, text, content


@pytest.mark.parametrize("language", ["en", "fi"])
async def test_every_kind_renders_in_both_languages(api: Api, language: str) -> None:
    r = await register(api)
    # A register with an invalid mechanism cannot produce a privacy notice: fix it first.
    _, dpa, _ = await render(
        api, {"kind": "dpa", "language": language, "vendor_id": r["ireland"]["id"]}
    )
    assert "Licentia Distribution Ltd" in dpa and "Esimerkki IT-Palvelut Oy" in dpa
    for clause in ("(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)"):
        assert f"3.{'abcdefgh'.index(clause[1]) + 1} {clause}" in dpa
    assert "Bharat Licence Services Pvt Ltd" in dpa  # Annex III from the chain
    assert ("India" if language == "en" else "Intia") in dpa

    _, scc, _ = await render(
        api, {"kind": "scc_annexes", "language": language, "transfer_id": r["scc_transfer"]["id"]}
    )
    assert HOSTILE in scc
    assert "Tietosuojavaltuutetun toimisto" in scc  # Annex I.C
    assert ("Module 2" if language == "en" else "moduuli 2") in scc

    _, tia, _ = await render(
        api, {"kind": "tia", "language": language, "assessment_id": r["tia"]["id"]}
    )
    assert (
        "EU-held encryption keys" if language == "en" else "Salausavaimet säilytetään EU:ssa"
    ) in tia
    assert ("lawful" if language == "en" else "lainmukainen") in tia
    assert "tia_completed" not in tia and "scc_in_place" not in tia

    engaged = await api.put(
        f"/api/v1/vendors/{r['ireland']['id']}/subprocessors/{r['india']['id']}/engagement",
        json={"engaged_on": "2024-06-01"},
    )
    assert engaged.status_code == 200, engaged.text
    _, subs, _ = await render(
        api,
        {
            "kind": "subprocessor_list",
            "language": language,
            "vendor_id": r["ireland"]["id"],
            "since": "2020-01-01",
        },
    )
    assert "Bharat Licence Services Pvt Ltd" in subs
    assert ("added" if language == "en" else "lisätty") in subs
    assert ("1 June 2024" if language == "en" else "1.6.2024") in subs
    # The Irish processor is in the EEA; the Indian sub-processor never reads as "EU/EEA", and
    # its row says through whom it is engaged and the safeguard with its SCC module.
    india = (
        "India\nvia Licentia Distribution Ltd\nStandard contractual clauses (2021), Module 3"
        if language == "en"
        else "Intia\nLicentia Distribution Ltd -yhtiön kautta\n"
        "Euroopan komission vakiosopimuslausekkeet (päätös (EU) 2021/914), moduuli 3"
    )
    assert india in subs, subs
    assert (
        "Ireland\ndirect\nEU/EEA (no transfer)" if language == "en" else "Irlanti\nsuora\nEU/ETA"
    ) in subs

    _, notice, _ = await render(api, {"kind": "privacy_notice_section", "language": language})
    heading = (
        "Transfers outside the EU/EEA"
        if language == "en"
        else "Tietojen siirto EU/ETA-alueen ulkopuolelle"
    )
    assert heading in notice
    assert "Privacy Shield" not in notice
    # Kaito's transfer is ours as a processor: our customers publish it, not our notice.
    assert "Kaito Devices K.K." not in notice

    _, extract, _ = await render(api, {"kind": "record_extract", "language": language})
    assert "Bharat Licence Services Pvt Ltd" in extract and "Kaito Devices K.K." in extract


async def test_hostile_values_are_escaped(api: Api) -> None:
    r = await register(api)
    await api.create(
        "/api/v1/processings",
        {
            "vendor_id": r["cloud"]["id"],
            "service": "<script>alert(1)</script> & co",
            "purposes": ["a < b"],
            "data_categories": ["x & y"],
            "data_subject_categories": ['"quoted"'],
        },
    )
    await api.create(
        "/api/v1/agreements",
        {
            "vendor_id": r["cloud"]["id"],
            "kind": "dpa",
            "status": "signed",
            "signed_on": "2025-01-01",
            "subprocessor_authorisation": "specific",
        },
    )
    _, text, content = await render(api, {"kind": "dpa", "vendor_id": r["cloud"]["id"]})
    assert HOSTILE in text
    assert b"AT&amp;T &lt;Cloud&gt;" in zipfile.ZipFile(io.BytesIO(content)).read(
        "word/document.xml"
    )


async def test_privacy_notice_refuses_invalid_safeguards(api: Api) -> None:
    await register(api)
    events = await api.create(
        "/api/v1/vendors", {"name": "Summit Events Inc.", "country": "US", "role": "controller"}
    )
    await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": events["id"],
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "privacy_shield",
            "dpf_certified": True,
            "data_categories": ["contact"],
        },
    )
    before = (await api.get("/api/v1/documents")).json()["total"]
    response = await api.post(
        "/api/v1/documents", json={"kind": "privacy_notice_section", "language": "fi"}
    )
    assert response.status_code == 422
    assert (
        "privacy_shield" in response.json()["detail"]
        and "Summit Events Inc." in response.json()["detail"]
    )
    assert (await api.get("/api/v1/documents")).json()["total"] == before


async def test_missing_data_is_listed_not_rendered_with_holes(api: Api) -> None:
    v = await api.create(
        "/api/v1/vendors", {"name": "Bare Vendor", "country": "DE", "role": "processor"}
    )
    no_org = await api.post("/api/v1/documents", json={"kind": "dpa", "vendor_id": v["id"]})
    assert no_org.status_code == 422 and "organisation" in no_org.json()["detail"]
    await api.create(
        "/api/v1/organisations",
        {"name": "Org Oy", "business_id": "1-1", "address": "Katu 1, Helsinki", "country": "FI"},
    )
    await api.create(
        "/api/v1/processings", {"vendor_id": v["id"], "service": "Things", "purposes": ["x"]}
    )
    response = await api.post("/api/v1/documents", json={"kind": "dpa", "vendor_id": v["id"]})
    assert response.status_code == 422
    missing = response.json()["missing"]
    assert {
        "processing.nature",
        "processing.data_categories",
        "processing.data_subject_categories",
        "processing.measures",
        "agreement",
    } <= set(missing)
    assert (await api.post("/api/v1/documents", json={"kind": "dpa"})).status_code == 422
    assert (await api.post("/api/v1/documents", json={"kind": "memo"})).status_code == 400
    assert (
        await api.post("/api/v1/documents", json={"kind": "dpa", "vendor_id": 999})
    ).status_code == 404
    assert (
        await api.post(
            "/api/v1/documents", json={"kind": "dpa", "vendor_id": v["id"]}, role="procurement"
        )
    ).status_code == 403


async def test_document_record_and_listing(api: Api) -> None:
    r = await register(api)
    meta, _, content = await render(
        api, {"kind": "dpa", "vendor_id": r["ireland"]["id"], "language": "fi"}
    )
    import hashlib

    assert meta["sha256"] == hashlib.sha256(content).hexdigest()
    assert meta["template_version"] == "builtin" and meta["created_by"] == "legal-key"
    assert meta["snapshot"]["vendor_id"] == r["ireland"]["id"]
    listed = (
        await api.get(
            "/api/v1/documents", params={"vendor_id": r["ireland"]["id"]}, role="procurement"
        )
    ).json()
    assert [d["id"] for d in listed["items"]] == [meta["id"]]


def _template_with(text: str) -> bytes:
    doc = Docx()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


async def test_uploaded_templates_are_validated_versioned_and_used(api: Api) -> None:
    r = await register(api)
    malicious = _template_with("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    bad = await api.post(
        "/api/v1/document-templates",
        data={"kind": "dpa", "language": "en"},
        files={"file": ("evil.docx", malicious, "application/octet-stream")},
    )
    assert bad.status_code == 422, bad.text
    undeclared = await api.post(
        "/api/v1/document-templates",
        data={"kind": "dpa", "language": "en"},
        files={
            "file": (
                "u.docx",
                _template_with("{{ vendor.name }} {{ secret_sauce }}"),
                "application/octet-stream",
            )
        },
    )
    assert undeclared.status_code == 422 and "secret_sauce" in undeclared.json()["detail"]
    not_docx = await api.post(
        "/api/v1/document-templates",
        data={"kind": "dpa", "language": "en"},
        files={"file": ("x.docx", b"hello", "application/octet-stream")},
    )
    assert not_docx.status_code == 422

    good = await api.post(
        "/api/v1/document-templates",
        data={"kind": "dpa", "language": "en"},
        files={
            "file": (
                "ok.docx",
                _template_with("Custom DPA for {{ vendor.name }} by {{ org.name }}"),
                "application/octet-stream",
            )
        },
    )
    assert good.status_code == 201, good.text
    assert good.json()["version"] == 1
    meta, text, _ = await render(api, {"kind": "dpa", "vendor_id": r["ireland"]["id"]})
    assert meta["template_version"] == "v1"
    assert "Custom DPA for Licentia Distribution Ltd by Esimerkki IT-Palvelut Oy" in text
    fi_meta, _, _ = await render(
        api, {"kind": "dpa", "vendor_id": r["ireland"]["id"], "language": "fi"}
    )
    assert fi_meta["template_version"] == "builtin"


def test_every_kind_has_templates_in_both_languages() -> None:
    from transfers.document.render import builtin_template

    for kind in KINDS:
        for language in ("en", "fi"):
            assert builtin_template(language, kind)[:2] == b"PK"


async def test_libreoffice_opens_the_documents(api: Api, tmp_path: Any) -> None:
    """Converted to PDF by a real LibreOffice when one is installed (skipped otherwise)."""
    import asyncio
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed on this machine")
    r = await register(api)
    _, _, content = await render(
        api, {"kind": "dpa", "language": "fi", "vendor_id": r["ireland"]["id"]}
    )
    source = tmp_path / "dpa.docx"
    source.write_bytes(content)
    proc = await asyncio.create_subprocess_exec(
        soffice,
        "--headless",
        f"-env:UserInstallation=file://{tmp_path}/profile",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(source),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await asyncio.wait_for(proc.wait(), timeout=120)
    pdf = tmp_path / "dpa.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


async def test_customers_sub_processor_list_covers_processing_we_do_as_processor(api: Api) -> None:
    """Scope, location, engagement dates and the objection period (GDPR Art. 28(2), (4))."""
    r = await register(api)
    engaged = await api.put(
        f"/api/v1/vendors/{r['ireland']['id']}/subprocessors/{r['india']['id']}/engagement",
        json={"engaged_on": "2026-02-01", "ended_on": "2027-06-30"},
    )
    assert engaged.status_code == 200
    _, subs, _ = await render(
        api,
        {
            "kind": "subprocessor_list",
            "language": "en",
            "as_of": "2026-11-24",
            "since": "2026-01-01",
        },
    )
    # The cloud vendor hosts our own customer register: not our customers' sub-processor.
    assert HOSTILE not in subs
    assert "Licence orders" in subs and "Bharat Licence Services Pvt Ltd" in subs
    assert "added" in subs and "1 February 2026" in subs
    assert "to be removed" in subs and "30 June 2027" in subs
    assert "within thirty (30) days" in subs
    # A vendor that is not ours as processor gets a clear refusal, not a list.
    refused = await api.post(
        "/api/v1/documents",
        json={"kind": "subprocessor_list", "vendor_id": r["cloud"]["id"]},
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_the_sample_register_yields_every_document_in_both_languages(db: Any) -> None:
    """What `make docs-gallery` shows: the demo register through the document service. The
    privacy notice is refused while the demo's Privacy Shield and 2010-SCC transfers last."""
    from datetime import date

    from sqlalchemy import select

    from tests.conftest import SYSTEM
    from transfers.common.problems import ProblemError
    from transfers.db import create_engine, session_scope
    from transfers.demo import load_demo
    from transfers.document.service import render_document
    from transfers.models import Assessment, Transfer, Vendor

    engine = create_engine(url=db.url)
    try:
        async with session_scope(engine) as session:
            await load_demo(session, today=date(2026, 11, 24))
        async with session_scope(engine) as session:
            vendors = {v.name: v.id for v in (await session.scalars(select(Vendor))).all()}
            helpdesk = vendors["Zentick Support Inc."]
            transfer_id = await session.scalar(
                select(Transfer.id).where(Transfer.vendor_id == helpdesk).order_by(Transfer.id)
            )
            assessment_id = await session.scalar(select(Assessment.id))
            jobs: list[dict[str, Any]] = [
                {"kind": "dpa", "vendor_id": vendors["Northwind Cloud LLC"]},
                {"kind": "dpa", "vendor_id": helpdesk},
                {"kind": "scc_annexes", "transfer_id": transfer_id},
                {"kind": "tia", "assessment_id": assessment_id},
                {"kind": "subprocessor_list"},
                {"kind": "record_extract"},
            ]
            texts = {}
            for language in ("en", "fi"):
                for job in jobs:
                    doc = await render_document(
                        session,
                        kind=job["kind"],
                        language=language,
                        vendor_id=job.get("vendor_id"),
                        transfer_id=job.get("transfer_id"),
                        assessment_id=job.get("assessment_id"),
                        as_of=date(2026, 11, 24),
                        since=None,
                        actor=SYSTEM,
                    )
                    texts[(job["kind"], job.get("vendor_id"), language)] = doc.content
                with pytest.raises(ProblemError) as refused:
                    await render_document(
                        session,
                        kind="privacy_notice_section",
                        language=language,
                        vendor_id=None,
                        transfer_id=None,
                        assessment_id=None,
                        as_of=date(2026, 11, 24),
                        since=None,
                        actor=SYSTEM,
                    )
                assert "privacy_shield" in str(refused.value.detail)
    finally:
        await engine.dispose()
    from transfers.document.render import document_text

    fi_dpa = document_text(texts[("dpa", helpdesk, "fi")])
    assert "(”Alikäsittelijä”)" in fi_dpa and "Esimerkki IT-Palvelut Oy:n asiakkaat" in fi_dpa
    assert "Asiakkaiden henkilöstön tukipyyntöjen käsittely" in fi_dpa


async def test_a_template_that_fails_on_the_registers_own_data_is_refused_and_the_last_stays(
    api: Api,
) -> None:
    """Cheap on the sample, ruinous on real data (issue 22 item 6): refused at upload, before
    it becomes active, and the version in use stays."""
    r = await register(api)
    kept = await api.post(
        "/api/v1/document-templates",
        data={"kind": "dpa", "language": "en"},
        files={"file": ("v1.docx", _template_with("Ours: {{ vendor.name }}"), "application/x")},
    )
    assert kept.status_code == 201, kept.text
    # The sample's vendor (named "Vendor") never takes the branch; the register's vendors do,
    # and the text it builds is over the render budget.
    ruinous = _template_with(
        "{{ vendor.name }}{% if vendor.name != 'Vendor' %}{{ 'x' * 5000000 }}{% endif %}"
    )
    refused = await api.post(
        "/api/v1/document-templates",
        data={"kind": "dpa", "language": "en"},
        files={"file": ("v2.docx", ruinous, "application/x")},
    )
    assert refused.status_code == 422, refused.text
    detail = refused.json()["detail"]
    assert "register's own data (vendor " in detail and "budget" in detail.lower(), detail
    versions = [t["version"] for t in (await api.get("/api/v1/document-templates")).json()]
    assert versions == [1]
    meta, text, _ = await render(api, {"kind": "dpa", "vendor_id": r["ireland"]["id"]})
    assert meta["template_version"] == "v1" and "Ours: Licentia Distribution Ltd" in text


def _developments(text: str, heading: str) -> str:
    return text[text.index(heading) :] if heading in text else ""


async def _onward_tia(api: Api, r: dict[str, Any], **assessment: Any) -> dict[str, Any]:
    """An onward transfer by our Irish sub-processor to its Indian sub-processor, assessed."""
    onward = await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": r["india"]["id"],
            "exporter_role": "processor",
            "destination_country": "IN",
            "mechanism": "scc_2021",
            "scc_module": 3,
            "agreement_id": r["india_scc"]["id"],
            "transfer_type": "onward_transfer",
            "data_categories": ["identity"],
            "frequency": "systematic",
            "started_on": "2024-06-01",
            "supplementary_measures": "Pseudonymised order records",
            "translations": {"fi": {"supplementary_measures": "Pseudonymisoidut tilaustiedot"}},
        },
    )
    return await api.create(
        "/api/v1/assessments",
        {"transfer_id": onward["id"], "conclusion": "adequate", **assessment},
    )


FULL_TIA = {
    "completed_on": "2024-09-01",
    "assessor": "Laura Lakimies",
    "importer_finding": "The importer sees order records in the clear; Indian interception powers reach it.",
    "conclusion_reasoning": "Records are pseudonymised before transfer, so an order yields no identities.",
    "translations": {
        "fi": {
            "importer_finding": "Tuoja näkee tilaustiedot selväkielisinä; Intian sieppausvaltuudet ulottuvat siihen.",
            "conclusion_reasoning": "Tiedot pseudonymisoidaan ennen siirtoa, joten määräys ei paljasta henkilöllisyyksiä.",
        }
    },
}


@pytest.mark.parametrize("language", ["en", "fi"])
async def test_the_tia_of_an_onward_transfer_names_our_sub_processor_as_exporter(
    api: Api, language: str
) -> None:
    r = await register(api)
    tia = await _onward_tia(api, r, **FULL_TIA)
    _, text, _ = await render(
        api, {"kind": "tia", "language": language, "assessment_id": tia["id"]}
    )
    exporter = (
        "Exporter Licentia Distribution Ltd"
        if language == "en"
        else "Tietojen viejä Licentia Distribution Ltd"
    )
    assert exporter in text
    assert "Esimerkki IT-Palvelut Oy (" not in text.split("\n", 3)[2]  # not us
    assert "Bharat Licence Services Pvt Ltd" in text
    # The assessor's finding, not the country text's guidance to the reader.
    finding = (
        FULL_TIA["importer_finding"]
        if language == "en"
        else FULL_TIA["translations"]["fi"]["importer_finding"]
    )
    assert finding in text
    assert "State whether" not in text and "Totea, voidaanko" not in text
    # No internal ids or software words.
    for word in ("#", "rules engine", "sääntömoottori", "year(s)"):
        assert word not in text


async def test_a_tia_with_holes_is_refused_with_the_list_of_what_is_missing(api: Api) -> None:
    r = await register(api)
    bare = await _onward_tia(api, r, completed_on="2024-09-01")
    response = await api.post(
        "/api/v1/documents", json={"kind": "tia", "language": "en", "assessment_id": bare["id"]}
    )
    assert response.status_code == 422
    missing = response.json()["missing"]
    assert any(m.startswith("assessment.importer_finding") for m in missing)
    assert any(m.startswith("assessment.conclusion_reasoning") for m in missing)
    # Step 1 facts of the processing are there (inherited from Licentia): not listed.
    assert not any(m.startswith("processing") for m in missing)
    no_facts = await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": r["india"]["id"],
            "exporter_role": "processor",
            "destination_country": "IN",
            "mechanism": "scc_2021",
            "scc_module": 3,
            "agreement_id": r["india_scc"]["id"],
        },
    )
    holes = await api.create(
        "/api/v1/assessments",
        {"transfer_id": no_facts["id"], "conclusion": "adequate", **FULL_TIA},
    )
    response = await api.post(
        "/api/v1/documents", json={"kind": "tia", "language": "en", "assessment_id": holes["id"]}
    )
    assert response.status_code == 422
    assert {
        f"transfer {no_facts['id']}.data_categories (Step 1)",
        f"transfer {no_facts['id']}.frequency (Step 1)",
    } <= set(response.json()["missing"])


@pytest.mark.parametrize("language", ["en", "fi"])
async def test_tia_sources_after_the_assessment_date_are_developments_since(
    api: Api, language: str, on_today: Any
) -> None:
    r = await register(api)
    us = await api.create(
        "/api/v1/assessments",
        {
            "transfer_id": r["scc_transfer"]["id"],
            "conclusion": "adequate",
            **FULL_TIA,
            "completed_on": "2024-03-01",
        },
    )
    _, text, _ = await render(api, {"kind": "tia", "language": language, "assessment_id": us["id"]})
    heading = (
        "Developments since the assessment" if language == "en" else "Kehitys arvioinnin jälkeen"
    )
    before, after = text.split(heading)
    after = after.split("Risk of access" if language == "en" else "Tiedonsaannin riski")[0]
    schrems, latombe, slaughter = "C-311/18", "T-553/23", "Trump v. Slaughter"
    assert schrems in before and schrems not in after
    assert latombe in after and latombe not in before
    assert slaughter in after and slaughter not in before
    # The verdict on the document's date beside the assessment date.
    if language == "en":
        assert (
            "Assessment date: 1 March 2024. On 1 December 2026, the date of this document" in text
        )
    else:
        assert "Arvioinnin päivämäärä: 1.3.2024. Tämän asiakirjan päivämääränä 1.12.2026" in text


async def test_a_finnish_tia_prints_no_english_text_of_the_register(api: Api) -> None:
    r = await register(api)
    tia = await _onward_tia(api, r, **FULL_TIA)
    _, text, _ = await render(api, {"kind": "tia", "language": "fi", "assessment_id": tia["id"]})
    english = (
        FULL_TIA["importer_finding"],
        FULL_TIA["conclusion_reasoning"],
        "Pseudonymised order records",
        "Licence orders",
        "licence fulfilment",
        "customers' staff",
        "TLS 1.2+; role-based access",
    )
    for phrase in english:
        assert phrase not in text, phrase
    assert "Pseudonymisoidut tilaustiedot" in text and "lisenssien toimittaminen" in text
    # Without the Finnish text, the Finnish TIA is refused with what is missing, never English.
    bare = dict(FULL_TIA, translations=None)
    untranslated = await _onward_tia(api, r, **bare)
    response = await api.post(
        "/api/v1/documents",
        json={"kind": "tia", "language": "fi", "assessment_id": untranslated["id"]},
    )
    assert response.status_code == 422
    assert {
        "assessment: translations.fi.importer_finding",
        "assessment: translations.fi.conclusion_reasoning",
    } <= set(response.json()["missing"])


@pytest.mark.parametrize("language", ["en", "fi"])
async def test_the_record_extract_never_shows_an_invalid_mechanism_as_a_safeguard(
    api: Api, language: str
) -> None:
    await register(api)
    events = await api.create(
        "/api/v1/vendors", {"name": "Summit Events Inc.", "country": "US", "role": "controller"}
    )
    await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": events["id"],
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "privacy_shield",
            "dpf_certified": True,
            "data_categories": ["contact"],
        },
    )
    _, text, _ = await render(api, {"kind": "record_extract", "language": language})
    heading = (
        "Transfers without a valid safeguard (to be remedied)"
        if language == "en"
        else "Siirrot ilman pätevää suojatoimea (korjattava)"
    )
    valid, invalid = text.split(heading)
    assert "Privacy Shield" not in valid and "Summit Events Inc." not in valid
    assert "Summit Events Inc." in invalid
    assert (
        "not a valid safeguard since 16 July 2020"
        if language == "en"
        else "ei ole ollut pätevä suojatoimi 16.7.2020 alkaen"
    ) in invalid


@pytest.mark.parametrize("language", ["en", "fi"])
async def test_scc_annexes_for_the_scc_fallback_of_a_dpf_transfer(api: Api, language: str) -> None:
    r = await register(api)
    _, text, _ = await render(
        api,
        {"kind": "scc_annexes", "language": language, "transfer_id": r["dpf_transfer"]["id"]},
    )
    if language == "en":
        assert "agreement signed on 10 January 2024" in text
        assert "Module 2 (transfer controller to processor)" in text
        assert "these clauses are its fallback" in text
        assert "Option 1: the law of Finland" in text
    else:
        assert "osa 10.1.2024 allekirjoitettua sopimusta" in text and "moduuli 2" in text
        assert "varaperuste" in text and "vaihtoehto 1: jäsenvaltion laki: Suomi" in text


async def test_document_properties_name_our_organisation_and_the_generation_time(
    api: Api, on_today: Any
) -> None:
    r = await register(api)
    _, _, content = await render(api, {"kind": "dpa", "vendor_id": r["ireland"]["id"]})
    props = Docx(io.BytesIO(content)).core_properties
    assert props.author == "Esimerkki IT-Palvelut Oy"
    assert props.created is not None and props.created.date() == on_today
