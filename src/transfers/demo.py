"""A realistic sample register: a Finnish IT-services company and its vendors.

Loaded by `transfers demo` (and by `make run` on an empty database) so that a new user sees
every feature working at once: lawful, at-risk and unlawful transfers, a subprocessor chain two
levels deep, a transfer still on Privacy Shield, one on 2010 SCCs, one on DPF without a fallback,
and agreements about to renew. Dates are relative to the day it is loaded, so the renewals are
always about to fall due. Every record goes through the services, so the audit trail shows it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement.schemas import AgreementCreate, SccClauses
from transfers.agreement.service import create_agreement
from transfers.assessment.schemas import AssessmentCreate, AssessmentTexts, RiskScenario
from transfers.assessment.service import create_assessment
from transfers.auth.schemas import Actor
from transfers.models import Vendor
from transfers.organisation.schemas import OrganisationCreate, ProcessingCreate, ProcessingTexts
from transfers.organisation.service import create_organisation, create_processing
from transfers.transfer.schemas import TransferCreate
from transfers.transfer.service import create_transfer
from transfers.vendor.schemas import Contact, VendorCreate
from transfers.vendor.service import create_vendor, set_engagement

DEMO_ACTOR = Actor(key_id=None, name="demo-loader", role="admin")


async def register_is_empty(session: AsyncSession) -> bool:
    return not await session.scalar(select(func.count()).select_from(Vendor))


async def load_demo(
    session: AsyncSession, today: date | None = None, actor: Actor = DEMO_ACTOR
) -> dict[str, int]:
    """Create the sample register in the caller's transaction; returns counts by entity."""
    today = today or date.today()
    counts = {
        "organisations": 0,
        "vendors": 0,
        "agreements": 0,
        "transfers": 0,
        "assessments": 0,
        "processings": 0,
    }

    async def vendor(**kw: Any) -> int:
        counts["vendors"] += 1
        return (await create_vendor(session, VendorCreate(**kw), actor)).id

    async def agreement(**kw: Any) -> int:
        counts["agreements"] += 1
        return (await create_agreement(session, AgreementCreate(**kw), actor)).id

    async def transfer(**kw: Any) -> int:
        counts["transfers"] += 1
        return (await create_transfer(session, TransferCreate(**kw), actor)).id

    async def assessment(**kw: Any) -> int:
        counts["assessments"] += 1
        return (await create_assessment(session, AssessmentCreate(**kw), actor)).id

    async def processing(**kw: Any) -> int:
        counts["processings"] += 1
        return (await create_processing(session, ProcessingCreate(**kw), actor)).id

    org = await create_organisation(
        session,
        OrganisationCreate(
            name="Esimerkki IT-Palvelut Oy",
            business_id="1234567-8",
            country="FI",
            roles=["controller", "processor"],
            address="Esimerkkikatu 1, 00100 Helsinki",
            dpo_name="Tiina Tietosuoja",
            dpo_email="tietosuoja@esimerkki.example",
            supervisory_authority="Tietosuojavaltuutetun toimisto (Office of the Data Protection Ombudsman), PL 800, 00531 Helsinki",
        ),
        actor,
    )
    counts["organisations"] += 1
    staff = ["identity", "contact", "employer", "device_serial_numbers", "login_history"]

    # Helpdesk SaaS in the USA: we are our customers' processor (Module 3), with a TIA done.
    helpdesk = await vendor(
        name="Zentick Support Inc.",
        legal_name="Zentick Support, Inc.",
        business_id="US-DE-5512345",
        address="500 Market Street, Suite 1200, San Francisco, CA 94105, USA",
        country="US",
        role="processor",
        category="support_tooling",
        status="approved",
        website="https://zentick.example",
        owner="legal@esimerkki.example",
        contacts=[
            Contact(
                name="Dana Whitfield",
                role="Data Protection Officer",
                email="privacy@zentick.example",
            )
        ],
    )
    await processing(
        vendor_id=helpdesk,
        organisation_id=org.id,
        service="Helpdesk ticketing for customers' staff",
        our_role="processor",
        purposes=["IT support", "incident handling"],
        data_categories=[*staff, "communications", "call_recordings"],
        data_subject_categories=["customers' employees"],
        nature="Hosting and processing of support tickets",
        retention="Tickets are deleted 24 months after closing",
        technical_measures="Encryption in transit (TLS 1.2+) and at rest; SSO with MFA; audit logging",
        measures_catalogue={
            "pseudonymisation_encryption": "AES-256 encryption at rest with customer-managed keys held in the EU",
            "identification_authorisation": "Single sign-on with multi-factor authentication; role-based access reviewed quarterly",
            "protection_in_transit": "TLS 1.2 or higher for all connections",
            "logging": "Administrator and support access logged and kept for 12 months",
            "limited_retention": "Tickets deleted 24 months after closing",
            "assistance": "Ticket export and deletion tools for data subject requests; breach notification runbook with a 24-hour internal target",
        },
        controller="Customers of Esimerkki IT-Palvelut Oy, each under its own data processing agreement",
        translations={
            "fi": ProcessingTexts(
                service="Asiakkaiden henkilöstön tukipyyntöjen käsittely (helpdesk)",
                nature="Tukipyyntöjen tallennus ja käsittely",
                purposes=["IT-tuki", "häiriöiden käsittely"],
                retention="Tukipyynnöt poistetaan 24 kuukauden kuluttua niiden sulkemisesta",
                technical_measures="Salaus siirron aikana (TLS 1.2+) ja tallennettuna; kertakirjautuminen ja monivaiheinen tunnistautuminen; lokitus",
                measures_catalogue={
                    "pseudonymisation_encryption": "AES-256-salaus tallennettuna; asiakkaan hallinnoimat avaimet säilytetään EU:ssa",
                    "identification_authorisation": "Kertakirjautuminen ja monivaiheinen tunnistautuminen; roolipohjaiset käyttöoikeudet tarkistetaan neljännesvuosittain",
                    "protection_in_transit": "Kaikki yhteydet TLS 1.2 tai uudempi",
                    "logging": "Ylläpitäjien ja tuen pääsy lokitetaan ja lokit säilytetään 12 kuukautta",
                    "limited_retention": "Tukipyynnöt poistetaan 24 kuukauden kuluttua sulkemisesta",
                    "assistance": "Tukipyyntöjen vienti- ja poistotyökalut rekisteröityjen pyyntöjä varten; tietoturvaloukkausten ilmoitusohje, jonka sisäinen tavoiteaika on 24 tuntia",
                },
                controller="Esimerkki IT-Palvelut Oy:n asiakkaat, kukin oman henkilötietojen käsittelysopimuksensa perusteella",
            )
        },
    )
    helpdesk_dpa = await agreement(
        vendor_id=helpdesk,
        organisation_id=org.id,
        kind="scc_2021",
        scc_module=3,
        title="DPA incl. SCC 2021/914 Module 3",
        status="signed",
        signed_on=date(2023, 3, 1),
        effective_on=date(2023, 3, 1),
        term="P1Y",
        auto_renew=True,
        notice_period="P2M",
        subprocessor_authorisation="general",
        objection_period_days=30,
        owner="legal@esimerkki.example",
        scc_clauses=SccClauses(
            docking_clause=True,
            supervisory_authority="Tietosuojavaltuutetun toimisto (Office of the Data Protection Ombudsman), Helsinki, Finland",
            governing_law="FI",
            forum="FI",
        ),
    )
    t = await transfer(
        vendor_id=helpdesk,
        organisation_id=org.id,
        exporter_role="processor",
        destination_country="US",
        mechanism="scc_2021",
        scc_module=3,
        agreement_id=helpdesk_dpa,
        data_categories=[*staff, "communications"],
        frequency="systematic",
        transfer_type="storage",
        started_on=date(2023, 3, 1),
        supplementary_measures="Encryption at rest with customer-managed keys in the EU",
    )
    await assessment(
        transfer_id=t,
        completed_on=date(2025, 12, 1),
        conclusion="adequate_with_measures",
        next_review_on=today + timedelta(days=25),
        supplementary_measures="EU key management; transparency reports; contractual challenge of requests",
        assessor="Laura Lakimies, legal counsel",
        approver="Tiina Tietosuoja, data protection officer",
        approved_on=date(2025, 12, 5),
        risk_period_years=3,
        risk_scenarios=[
            RiskScenario(
                scenario="FISA Section 702 directive to the importer",
                request=0.15,
                compelled=0.6,
                measures_fail=0.05,
            ),
            RiskScenario(
                scenario="CLOUD Act warrant for stored tickets",
                request=0.05,
                compelled=0.7,
                measures_fail=0.05,
            ),
        ],
        translations={
            "fi": AssessmentTexts(
                supplementary_measures="Avainten hallinta EU:ssa; avoimuusraportit; viranomaispyyntöjen sopimusperusteinen riitauttaminen",
                conclusion_reasoning="Tukipyynnöt on salattu tallennettuina asiakkaan hallinnoimilla avaimilla, joita säilytetään EU:ssa, joten tietojen luovuttamiseen velvoitettu tuoja voi luovuttaa vain salattua tietoa; jäännösriski on pieni, ja vakiosopimuslausekkeet ovat näiden toimenpiteiden kanssa tehokkaat.",
            )
        },
        conclusion_reasoning="Tickets are encrypted at rest with customer-managed keys held in the EU, so a compelled importer can disclose only ciphertext; the residual risk is low and the SCCs with these measures are effective.",
        owner="legal@esimerkki.example",
    )

    # Cloud hosting in the USA: DPF with SCCs signed as a fallback (lawful), and a second
    # flow of the same vendor's analytics arm on DPF alone (at risk: no fallback).
    cloud = await vendor(
        name="Northwind Cloud LLC",
        business_id="US-WA-7788123",
        address="1200 Fifth Avenue, Seattle, WA 98101, USA",
        contacts=[
            Contact(
                name="Privacy Office", role="Privacy counsel", email="privacy@northwind.example"
            )
        ],
        country="US",
        role="processor",
        category="cloud_hosting",
        status="approved",
        website="https://northwind-cloud.example",
        owner="it-legal@esimerkki.example",
    )
    cloud_dpa = await agreement(
        vendor_id=cloud,
        organisation_id=org.id,
        kind="dpa",
        title="Cloud DPA",
        status="signed",
        signed_on=today - relativedelta(years=1) + timedelta(days=40),
        effective_on=today - relativedelta(years=1) + timedelta(days=40),
        term="P1Y",
        auto_renew=True,
        notice_period="P1M",
        subprocessor_authorisation="general",
        objection_period_days=14,
        owner="it-legal@esimerkki.example",
    )
    cloud_scc = await agreement(
        vendor_id=cloud,
        organisation_id=org.id,
        kind="scc_2021",
        scc_module=2,
        title="SCC Module 2 (fallback to DPF)",
        status="signed",
        signed_on=date(2023, 9, 1),
        effective_on=date(2023, 9, 1),
    )
    await transfer(
        vendor_id=cloud,
        organisation_id=org.id,
        exporter_role="controller",
        destination_country="US",
        mechanism="dpf",
        dpf_certified=True,
        dpf_hr_covered=False,
        dpf_verified_on=today - relativedelta(months=2),
        fallback_mechanism="scc_2021",
        scc_module=2,
        agreement_id=cloud_scc,
        data_categories=["identity", "contact", "purchase_history"],
        frequency="systematic",
        started_on=date(2023, 9, 1),
        description="Customer register and web shop hosting",
    )
    await transfer(
        vendor_id=cloud,
        organisation_id=org.id,
        exporter_role="controller",
        destination_country="US",
        mechanism="dpf",
        dpf_certified=True,
        dpf_verified_on=today - relativedelta(months=13),
        data_categories=["cookies", "network_location"],
        frequency="systematic",
        started_on=date(2024, 1, 10),
        description="Web analytics (DPF only, no fallback)",
        agreement_id=cloud_dpa,
    )

    # Device manufacturer in Japan for warranty service: adequacy (APPI-covered operator).
    devices = await vendor(
        name="Kaito Devices K.K.",
        business_id="JP-0104-01-123456",
        address="2-1-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan",
        contacts=[Contact(name="Haruto Sato", role="Service manager", email="dp@kaito.example")],
        country="JP",
        role="processor",
        category="device_warranty",
        status="approved",
        owner="logistics@esimerkki.example",
    )
    await agreement(
        vendor_id=devices,
        organisation_id=org.id,
        kind="dpa",
        title="Warranty service DPA",
        status="signed",
        signed_on=date(2022, 5, 2),
        effective_on=date(2022, 5, 2),
        term="P2Y",
        auto_renew=True,
        notice_period="P3M",
        subprocessor_authorisation="specific",
    )
    await transfer(
        vendor_id=devices,
        organisation_id=org.id,
        exporter_role="processor",
        destination_country="JP",
        mechanism="adequacy",
        adequacy_scope_confirmed=True,
        data_categories=["identity", "contact", "device_serial_numbers"],
        frequency="systematic",
        transfer_type="remote_access",
        started_on=date(2022, 5, 2),
    )

    # Licence distributor in Ireland, with a subprocessor chain two levels deep into India.
    licences = await vendor(
        name="Licentia Distribution Ltd",
        business_id="IE-654321",
        address="12 Harcourt Street, Dublin 2, D02 XY34, Ireland",
        contacts=[
            Contact(name="Aoife Byrne", role="Legal counsel", email="legal@licentia.example")
        ],
        country="IE",
        role="processor",
        category="software_licence",
        status="approved",
        owner="sales-ops@esimerkki.example",
    )
    await agreement(
        vendor_id=licences,
        organisation_id=org.id,
        kind="dpa",
        status="signed",
        signed_on=date(2024, 6, 1),
        effective_on=date(2024, 6, 1),
        ends_on=today + timedelta(days=60),
        subprocessor_authorisation="general",
        objection_period_days=30,
        owner="sales-ops@esimerkki.example",
    )
    await transfer(
        vendor_id=licences,
        exporter_role="controller",
        destination_country="IE",
        mechanism="none",
        data_categories=["identity", "contact", "employer"],
        frequency="systematic",
        started_on=date(2024, 6, 1),
    )
    india = await vendor(
        name="Bharat Licence Services Pvt Ltd",
        business_id="IN-U72900MH",
        address="Bandra Kurla Complex, Mumbai 400051, India",
        country="IN",
        role="subprocessor",
        category="software_licence",
        status="approved",
        parent_vendor_ids=[licences],
    )
    india_scc = await agreement(
        vendor_id=india,
        kind="scc_2021",
        scc_module=3,
        subprocessor_authorisation="specific",
        status="signed",
        signed_on=date(2024, 6, 1),
        effective_on=date(2024, 6, 1),
    )
    await transfer(
        vendor_id=india,
        exporter_role="processor",
        destination_country="IN",
        mechanism="scc_2021",
        scc_module=3,
        agreement_id=india_scc,
        data_categories=["identity", "contact", "employer"],
        frequency="systematic",
        transfer_type="onward_transfer",
        started_on=date(2024, 6, 1),
        description="Licence order fulfilment (no TIA yet)",
    )
    dc = await vendor(
        name="Mumbai Data Centre Pvt Ltd",
        country="IN",
        role="subprocessor",
        category="cloud_hosting",
        status="approved",
        parent_vendor_ids=[india],
    )
    await agreement(
        vendor_id=dc,
        kind="scc_2021",
        scc_module=3,
        subprocessor_authorisation="specific",
        status="signed",
        signed_on=date(2024, 7, 1),
        effective_on=date(2024, 7, 1),
    )

    # Event partner in the USA still relying on Privacy Shield (unlawful since 16 July 2020).
    events = await vendor(
        name="Summit Events Inc.",
        business_id="US-NY-3344556",
        country="US",
        role="controller",
        category="marketing_events",
        status="approved",
        notes="Privacy notice still names the EU-US Privacy Shield.",
    )
    await transfer(
        vendor_id=events,
        organisation_id=org.id,
        exporter_role="controller",
        destination_country="US",
        mechanism="privacy_shield",
        dpf_certified=True,
        data_categories=["identity", "contact", "marketing_prohibitions"],
        frequency="systematic",
        started_on=date(2018, 4, 1),
        description="Customer event invitations",
    )

    # Logistics partner in Singapore on the 2010 SCCs (expired 27 December 2022).
    logistics = await vendor(
        name="Pacific Parcel Pte Ltd",
        business_id="SG-201912345K",
        country="SG",
        role="processor",
        category="logistics",
        status="approved",
        owner="logistics@esimerkki.example",
    )
    old_scc = await agreement(
        vendor_id=logistics,
        organisation_id=org.id,
        kind="scc_2010",
        status="signed",
        signed_on=date(2019, 2, 1),
        effective_on=date(2019, 2, 1),
    )
    await agreement(
        vendor_id=logistics,
        organisation_id=org.id,
        kind="dpa",
        subprocessor_authorisation="specific",
        status="signed",
        signed_on=date(2019, 2, 1),
        effective_on=date(2019, 2, 1),
    )
    await transfer(
        vendor_id=logistics,
        organisation_id=org.id,
        exporter_role="controller",
        destination_country="SG",
        mechanism="scc_2010",
        agreement_id=old_scc,
        data_categories=["identity", "contact", "location"],
        frequency="systematic",
        started_on=date(2019, 2, 1),
    )

    descriptions = {
        cloud: (
            "Customer register and web shop hosting",
            "controller",
            ["customer relationship management", "web shop orders"],
            ["identity", "contact", "purchase_history", "cookies"],
            ["customer contacts", "web shop customers"],
        ),
        devices: (
            "Warranty repairs of customer devices",
            "processor",
            ["warranty service"],
            ["identity", "contact", "device_serial_numbers"],
            ["customers' employees"],
        ),
        licences: (
            "Software licence orders",
            "processor",
            ["licence fulfilment"],
            ["identity", "contact", "employer"],
            ["customers' employees"],
        ),
        india: (
            "Licence order processing",
            "processor",
            ["licence fulfilment"],
            ["identity", "contact", "employer"],
            ["customers' employees"],
        ),
        dc: (
            "Data centre hosting",
            "processor",
            ["hosting"],
            ["identity", "contact"],
            ["customers' employees"],
        ),
        logistics: (
            "Device deliveries",
            "controller",
            ["logistics"],
            ["identity", "contact", "location"],
            ["delivery recipients"],
        ),
    }
    finnish = {
        cloud: (
            "Asiakasrekisterin ja verkkokaupan ylläpito",
            ["asiakkuudenhallinta", "verkkokaupan tilaukset"],
            ["asiakkaiden yhteyshenkilöt", "verkkokaupan asiakkaat"],
        ),
        devices: (
            "Asiakaslaitteiden takuukorjaukset",
            ["takuuhuolto"],
            ["asiakkaiden työntekijät"],
        ),
        licences: (
            "Ohjelmistolisenssien tilaukset",
            ["lisenssien toimitus"],
            ["asiakkaiden työntekijät"],
        ),
        india: (
            "Lisenssitilausten käsittely",
            ["lisenssien toimitus"],
            ["asiakkaiden työntekijät"],
        ),
        dc: ("Konesalipalvelut", ["palvelinten ylläpito"], ["asiakkaiden työntekijät"]),
        logistics: ("Laitetoimitukset", ["logistiikka"], ["toimitusten vastaanottajat"]),
    }
    for vendor_id, (service, role, purposes, categories, subjects) in descriptions.items():
        fi_service, fi_purposes, fi_subjects = finnish[vendor_id]
        await processing(
            vendor_id=vendor_id,
            organisation_id=org.id,
            service=service,
            our_role=role,
            nature=service,
            purposes=purposes,
            data_categories=categories,
            data_subject_categories=subjects,
            technical_measures="Encryption in transit and at rest; role-based access; logging",
            controller="Customers of Esimerkki IT-Palvelut Oy, each under its own data processing agreement"
            if role == "processor"
            else None,
            translations={
                "fi": ProcessingTexts(
                    service=fi_service,
                    nature=fi_service,
                    purposes=fi_purposes,
                    data_subject_categories=fi_subjects,
                    technical_measures="Salaus siirron aikana ja tallennettuna; roolipohjainen pääsynhallinta; lokitus",
                    controller="Esimerkki IT-Palvelut Oy:n asiakkaat, kukin oman henkilötietojen käsittelysopimuksensa perusteella"
                    if role == "processor"
                    else None,
                )
            },
        )
    # When each sub-processor started (or will stop) working for its parent: the dates the
    # customers' sub-processor list reports (GDPR Art. 28(2)).
    await set_engagement(
        session,
        vendor_id=licences,
        subprocessor_id=india,
        engaged_on=date(2024, 6, 1),
        ended_on=None,
        actor=actor,
    )
    await set_engagement(
        session,
        vendor_id=india,
        subprocessor_id=dc,
        engaged_on=date(2024, 7, 1),
        ended_on=today + timedelta(days=45),
        actor=actor,
    )

    # Insurer and payment provider in Finland: independent controllers, no Chapter V transfer.
    await vendor(
        name="Vakuutusyhtiö Turva Keskinäinen",
        business_id="0201234-5",
        country="FI",
        role="controller",
        category="insurance",
        status="approved",
    )
    pay = await vendor(
        name="Maksupalvelu Oy",
        business_id="2345678-9",
        country="FI",
        role="processor",
        category="payment",
        status="in_review",
    )
    await agreement(
        vendor_id=pay,
        organisation_id=org.id,
        kind="dpa",
        status="signed",
        signed_on=today - relativedelta(years=2) + timedelta(days=20),
        effective_on=today - relativedelta(years=2) + timedelta(days=20),
        term="P2Y",
        auto_renew=True,
        notice_period="P3M",
    )
    await transfer(
        vendor_id=pay,
        exporter_role="controller",
        destination_country="FI",
        mechanism="none",
        data_categories=["identity", "purchase_history"],
        frequency="systematic",
        started_on=date(2021, 1, 1),
    )
    return counts
