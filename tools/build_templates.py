"""Generate the built-in docxtpl templates (templates/{en,fi}/<kind>.docx) from this script.

Templates are code: reviewable in a diff and reproducible byte for byte (fixed document
properties and zip timestamps), and every Jinja tag sits in a single run so docxtpl parses it.
Table rows repeat with ``{%tr for row in rows %}``; ``{%p if %}`` paragraphs make whole blocks
conditional. The variables are documented in src/transfers/document/kinds.py.

Run `uv run python tools/build_templates.py` after editing (or `--out DIR` to write elsewhere).
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parents[1] / "templates"
FIXED_TIME = datetime(2026, 1, 1)


@dataclass(frozen=True)
class H:
    text: str
    level: int = 1
    page_break: bool = False


@dataclass(frozen=True)
class P:
    text: str
    bold: bool = False
    keep: bool = False
    """Keep with the next paragraph: a signature block is never split across pages."""


@dataclass(frozen=True)
class Table:
    """A header row and one docxtpl `{%tr for row in <loop> %}` row per item."""

    headers: tuple[str, ...]
    loop: str
    cells: tuple[str, ...]
    widths: tuple[int, ...] = ()


Block = H | P | Table


def table(
    headers: list[str], loop: str, cells: list[str], widths: list[int] | None = None
) -> Table:
    """``widths``: relative column widths (default equal), scaled to the text width."""
    return Table(tuple(headers), loop, tuple(cells), tuple(widths or ()))


def annex(text: str) -> H:
    """An annex heading starts on a new page."""
    return H(text, 1, page_break=True)


LANGUAGE_TAGS = {"en": "en-GB", "fi": "fi-FI"}
TABLE_FONT = Pt(9)
PAGE = {"en": "Page", "fi": "Sivu"}


def _field(run_parent: object, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that LibreOffice and Word fill in when laying out."""
    paragraph = run_parent
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def _layout(doc: DocumentObject, title: str, language: str, landscape: bool) -> None:
    """A4 with 20-25 mm margins, the title in the header, "Page n / m" in the footer, and the
    document language (fi-FI / en-GB) on the default run style so spelling and hyphenation
    follow it."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.header_distance = section.footer_distance = Mm(10)
    header = section.header.paragraphs[0]
    header.add_run(title).font.size = Pt(8.5)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{PAGE[language]} ").font.size = Pt(8.5)
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is not None:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attr), LANGUAGE_TAGS[language])


def _add(doc: DocumentObject, block: Block, text_width: int) -> None:
    if isinstance(block, H):
        heading = doc.add_heading(block.text, level=block.level)
        heading.paragraph_format.page_break_before = block.page_break or None
    elif isinstance(block, P):
        # One run per paragraph: a Jinja tag split across runs would not parse.
        paragraph = doc.add_paragraph()
        paragraph.add_run(block.text).bold = block.bold or None
        if block.keep:
            paragraph.paragraph_format.keep_with_next = True
    else:
        tbl = doc.add_table(rows=4, cols=len(block.headers))
        tbl.style = "Table Grid"
        tbl.autofit = False
        weights = block.widths or tuple(1 for _ in block.headers)
        for i, weight in enumerate(weights):
            width = int(text_width * weight / sum(weights))
            tbl.columns[i].width = width
            for row in tbl.rows:
                row.cells[i].width = width
        for i, head in enumerate(block.headers):
            heading = tbl.rows[0].cells[i].paragraphs[0]
            heading.paragraph_format.keep_with_next = True  # the header stays with a row
            run = heading.add_run(head)
            run.bold = True
            run.font.size = TABLE_FONT
        # Rows never split across pages (the looped row carries it to every rendered row),
        # and the header row repeats on every page the table reaches.
        for row in tbl.rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        header_row = tbl.rows[0]._tr.get_or_add_trPr()
        header_row.append(OxmlElement("w:tblHeader"))
        tbl.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for row in {block.loop} %}}")
        for i, cell in enumerate(block.cells):
            tbl.rows[2].cells[i].paragraphs[0].add_run(cell).font.size = TABLE_FONT
        tbl.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


def _keep_before_tables(blocks: list[Block]) -> list[Block]:
    """The paragraph that introduces a table keeps with it (its header and first row), so
    the sentence never ends a page while its table starts the next; Jinja control paragraphs
    (``{%p ... %}``) in between are not counted."""
    out = list(blocks)
    for i, block in enumerate(out):
        if not isinstance(block, P) or block.text.startswith("{%p"):
            continue
        following = next(
            (b for b in out[i + 1 :] if not (isinstance(b, P) and b.text.startswith("{%p"))),
            None,
        )
        if isinstance(following, Table):
            out[i] = dataclasses.replace(block, keep=True)
    return out


def render_template(
    title: str, blocks: list[Block], language: str = "en", *, landscape: bool = False
) -> bytes:
    """The .docx bytes of one template, identical on every run."""
    doc: DocumentObject = Document()
    _layout(doc, title, language, landscape)
    section = doc.sections[0]
    text_width = int(section.page_width - section.left_margin - section.right_margin)
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)
    props = doc.core_properties
    props.title = title
    props.language = LANGUAGE_TAGS[language]
    props.author = props.last_modified_by = "transfers (tools/build_templates.py)"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    doc.add_heading(title, level=0)
    for block in _keep_before_tables(blocks):
        _add(doc, block, text_width)
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --- Art. 28 DPA ------------------------------------------------------------------------------

DPA_EN: list[Block] = [
    H("1. Parties"),
    P(
        "Controller: {{ org.name }}, business ID {{ org.business_id }}, {{ org.address }}, {{ org.country_name }} (the “Controller”)."
    ),
    P(
        "Processor: {{ vendor.legal_name }} (trading as {{ vendor.name }}), business ID {{ vendor.business_id }}, {{ vendor.country_name }} (the “Processor”)."
    ),
    P(
        "The Processor processes personal data on behalf of the Controller. This agreement sets out the terms required by Article 28(3) of Regulation (EU) 2016/679 (the “GDPR”)."
    ),
    H("2. Subject matter, duration, nature and purpose of the processing (GDPR Art. 28(3))"),
    P("2.1 Subject matter: {{ processing.service }}."),
    P("2.2 Duration: {{ agreement.duration }}."),
    P("2.3 Nature of the processing: {{ processing.nature }}."),
    P("2.4 Purposes: {{ processing.purposes }}."),
    P("2.5 Types of personal data: {{ processing.data_categories }}."),
    P("2.6 Categories of data subjects: {{ processing.data_subjects }}."),
    P(
        "2.7 Special categories of data (Art. 9) or data relating to criminal convictions and offences (Art. 10): {{ processing.sensitive }}."
    ),
    P("The processing is described in more detail in Annex I."),
    H("3. Obligations of the Processor (GDPR Art. 28(3)(a)-(h))"),
    P(
        "3.1 (a) Documented instructions. The Processor processes the personal data only on documented instructions from the Controller, including with regard to transfers of personal data to a third country or an international organisation, unless required to do so by Union or Member State law to which the Processor is subject; in such a case, the Processor informs the Controller of that legal requirement before processing, unless that law prohibits such information on important grounds of public interest."
    ),
    P(
        "3.2 (b) Confidentiality. The Processor ensures that persons authorised to process the personal data have committed themselves to confidentiality or are under an appropriate statutory obligation of confidentiality."
    ),
    P(
        "3.3 (c) Security. The Processor takes all measures required pursuant to Article 32 GDPR, including those described in Annex II."
    ),
    P(
        "3.4 (d) Sub-processors. The Processor respects the conditions referred to in Article 28(2) and (4) GDPR for engaging another processor, as set out in section 4."
    ),
    P(
        "3.5 (e) Data subject rights. Taking into account the nature of the processing, the Processor assists the Controller by appropriate technical and organisational measures, insofar as this is possible, for the fulfilment of the Controller's obligation to respond to requests for exercising the data subject's rights laid down in Chapter III GDPR."
    ),
    P(
        "3.6 (f) Assistance. The Processor assists the Controller in ensuring compliance with the obligations pursuant to Articles 32 to 36 GDPR (security of processing, notification and communication of personal data breaches, data protection impact assessment and prior consultation), taking into account the nature of processing and the information available to the Processor."
    ),
    P(
        "3.7 (g) Deletion or return. At the choice of the Controller, the Processor deletes or returns all the personal data to the Controller after the end of the provision of services relating to processing, and deletes existing copies unless Union or Member State law requires storage of the personal data."
    ),
    P(
        "3.8 (h) Audits. The Processor makes available to the Controller all information necessary to demonstrate compliance with the obligations laid down in Article 28 GDPR and allows for and contributes to audits, including inspections, conducted by the Controller or another auditor mandated by the Controller."
    ),
    P(
        "3.9 Infringing instructions. The Processor immediately informs the Controller if, in its opinion, an instruction infringes the GDPR or other Union or Member State data protection provisions (Art. 28(3), last subparagraph)."
    ),
    H("4. Sub-processors (GDPR Art. 28(2) and (4))"),
    P("4.1 {{ agreement.authorisation_text }}"),
    P(
        "4.2 Where the Processor engages another processor, it imposes on that sub-processor, by contract, the same data protection obligations as set out in this agreement, in particular sufficient guarantees to implement appropriate technical and organisational measures. The Processor remains fully liable to the Controller for the performance of the sub-processor's obligations."
    ),
    H("5. Transfers to third countries (GDPR Chapter V)"),
    P(
        "The Processor transfers personal data to a third country or an international organisation only on documented instructions of the Controller and only where the conditions of Chapter V GDPR are met. Annex III states the transfer mechanism relied on for each sub-processor."
    ),
    H("6. Term, renewal and notice"),
    P("{{ agreement.term_text }}"),
    P(
        "Sections 3.7 and 4.2 continue to apply after the end of this agreement for as long as the Processor or a sub-processor holds personal data of the Controller."
    ),
    H("Annex I – Description of the processing"),
    P("Service (subject matter): {{ processing.service }}"),
    P("Nature of the processing: {{ processing.nature }}"),
    P("Purposes: {{ processing.purposes }}"),
    P("Types of personal data: {{ processing.data_categories }}"),
    P("Categories of data subjects: {{ processing.data_subjects }}"),
    P("Special categories or criminal data: {{ processing.sensitive }}"),
    P("Retention: {{ processing.retention }}"),
    P("Duration: {{ agreement.duration }}"),
    annex("Annex II – Technical and organisational measures (GDPR Art. 32)"),
    table(
        ["Category", "Measures"], "measures", ["{{ row.category }}", "{{ row.measures }}"], [35, 65]
    ),
    annex("Annex III – Authorised sub-processors"),
    P("{{ subprocessor_summary }}"),
    table(
        ["Sub-processor", "Country", "Processing", "Transfer mechanism"],
        "subprocessors",
        ["{{ row.name }}", "{{ row.country }}", "{{ row.purpose }}", "{{ row.mechanism }}"],
    ),
    H("Signatures"),
    P("For the Controller ({{ org.name }}): ______________________   Date: __________"),
    P("For the Processor ({{ vendor.legal_name }}): ______________________   Date: __________"),
]

DPA_FI: list[Block] = [
    H("1. Osapuolet"),
    P(
        "Rekisterinpitäjä: {{ org.name }}, Y-tunnus {{ org.business_id }}, {{ org.address }}, {{ org.country_name }} (”Rekisterinpitäjä”)."
    ),
    P(
        "Käsittelijä: {{ vendor.legal_name }} (markkinointinimi {{ vendor.name }}), yritystunnus {{ vendor.business_id }}, {{ vendor.country_name }} (”Käsittelijä”)."
    ),
    P(
        "Käsittelijä käsittelee henkilötietoja Rekisterinpitäjän lukuun. Tässä sopimuksessa sovitaan Euroopan parlamentin ja neuvoston asetuksen (EU) 2016/679 (”tietosuoja-asetus”) 28 artiklan 3 kohdassa edellytetyistä ehdoista."
    ),
    H("2. Käsittelyn kohde, kesto, luonne ja tarkoitus (tietosuoja-asetuksen 28 artiklan 3 kohta)"),
    P("2.1 Käsittelyn kohde: {{ processing.service }}."),
    P("2.2 Käsittelyn kesto: {{ agreement.duration }}."),
    P("2.3 Käsittelyn luonne: {{ processing.nature }}."),
    P("2.4 Käsittelyn tarkoitukset: {{ processing.purposes }}."),
    P("2.5 Henkilötietotyypit: {{ processing.data_categories }}."),
    P("2.6 Rekisteröityjen ryhmät: {{ processing.data_subjects }}."),
    P(
        "2.7 Erityiset henkilötietoryhmät (9 artikla) tai rikostuomioihin ja rikkomuksiin liittyvät tiedot (10 artikla): {{ processing.sensitive }}."
    ),
    P("Käsittely kuvataan tarkemmin liitteessä I."),
    H("3. Käsittelijän velvollisuudet (tietosuoja-asetuksen 28 artiklan 3 kohdan a–h alakohta)"),
    P(
        "3.1 (a) Dokumentoidut ohjeet. Käsittelijä käsittelee henkilötietoja ainoastaan Rekisterinpitäjän antamien dokumentoitujen ohjeiden mukaisesti, myös siirrettäessä henkilötietoja kolmanteen maahan tai kansainväliselle järjestölle, paitsi jos unionin oikeudessa tai Käsittelijään sovellettavassa jäsenvaltion lainsäädännössä toisin vaaditaan; tällaisessa tapauksessa Käsittelijä ilmoittaa tästä oikeudellisesta vaatimuksesta Rekisterinpitäjälle ennen käsittelyä, paitsi jos kyseisessä laissa kielletään tällainen ilmoittaminen tärkeää yleistä etua koskevien syiden vuoksi."
    ),
    P(
        "3.2 (b) Salassapito. Käsittelijä varmistaa, että henkilötietoja käsittelemään oikeutetut henkilöt ovat sitoutuneet noudattamaan salassapitovelvollisuutta tai että heitä koskee asianmukainen lakisääteinen salassapitovelvollisuus."
    ),
    P(
        "3.3 (c) Tietoturva. Käsittelijä toteuttaa kaikki tietosuoja-asetuksen 32 artiklassa vaaditut toimenpiteet, mukaan lukien liitteessä II kuvatut toimenpiteet."
    ),
    P(
        "3.4 (d) Alikäsittelijät. Käsittelijä noudattaa tietosuoja-asetuksen 28 artiklan 2 ja 4 kohdassa tarkoitettuja edellytyksiä toisen henkilötietojen käsittelijän (alikäsittelijän) käyttämiselle, kuten 4 kohdassa sovitaan."
    ),
    P(
        "3.5 (e) Rekisteröidyn oikeudet. Käsittelijä avustaa Rekisterinpitäjää ottaen huomioon käsittelyn luonteen asianmukaisin teknisin ja organisatorisin toimenpitein, mikäli mahdollista, jotta Rekisterinpitäjä voi täyttää velvollisuutensa vastata pyyntöihin, jotka koskevat tietosuoja-asetuksen III luvussa säädettyjen rekisteröidyn oikeuksien käyttämistä."
    ),
    P(
        "3.6 (f) Avustaminen. Käsittelijä avustaa Rekisterinpitäjää varmistamaan, että tietosuoja-asetuksen 32–36 artiklan mukaisia velvollisuuksia (käsittelyn turvallisuus, henkilötietojen tietoturvaloukkauksista ilmoittaminen, tietosuojaa koskeva vaikutustenarviointi ja ennakkokuuleminen) noudatetaan, ottaen huomioon käsittelyn luonne ja Käsittelijän saatavilla olevat tiedot."
    ),
    P(
        "3.7 (g) Poistaminen tai palauttaminen. Käsittelijä poistaa tai palauttaa Rekisterinpitäjän valinnan mukaan kaikki henkilötiedot Rekisterinpitäjälle sen jälkeen, kun käsittelyyn liittyvien palvelujen tarjoaminen on päättynyt, ja poistaa olemassa olevat jäljennökset, paitsi jos unionin oikeudessa tai jäsenvaltion lainsäädännössä edellytetään henkilötietojen säilyttämistä."
    ),
    P(
        "3.8 (h) Tarkastukset. Käsittelijä saattaa Rekisterinpitäjän saataville kaikki tiedot, jotka ovat tarpeen tietosuoja-asetuksen 28 artiklassa säädettyjen velvollisuuksien noudattamisen osoittamiseksi, ja sallii Rekisterinpitäjän tai muun Rekisterinpitäjän valtuuttaman tarkastajan suorittamat tarkastukset, mukaan lukien katselmukset, ja osallistuu niihin."
    ),
    P(
        "3.9 Lainvastaiset ohjeet. Käsittelijä ilmoittaa Rekisterinpitäjälle viipymättä, jos se katsoo, että ohje rikkoo tietosuoja-asetusta tai muita unionin tai jäsenvaltioiden tietosuojasäännöksiä (28 artiklan 3 kohdan viimeinen alakohta)."
    ),
    H("4. Alikäsittelijät (tietosuoja-asetuksen 28 artiklan 2 ja 4 kohta)"),
    P("4.1 {{ agreement.authorisation_text }}"),
    P(
        "4.2 Jos Käsittelijä käyttää alikäsittelijää, se asettaa alikäsittelijälle sopimuksella samat tietosuojavelvoitteet kuin tässä sopimuksessa, erityisesti velvollisuuden antaa riittävät takeet asianmukaisten teknisten ja organisatoristen toimenpiteiden toteuttamisesta. Käsittelijä on täysimääräisesti vastuussa Rekisterinpitäjälle alikäsittelijän velvoitteiden täyttämisestä."
    ),
    H("5. Siirrot kolmansiin maihin (tietosuoja-asetuksen V luku)"),
    P(
        "Käsittelijä siirtää henkilötietoja kolmanteen maahan tai kansainväliselle järjestölle vain Rekisterinpitäjän dokumentoitujen ohjeiden mukaisesti ja vain, jos tietosuoja-asetuksen V luvun edellytykset täyttyvät. Liitteessä III mainitaan kunkin alikäsittelijän siirtotapa."
    ),
    H("6. Voimassaolo, jatkuminen ja irtisanominen"),
    P("{{ agreement.term_text }}"),
    P(
        "Kohdat 3.7 ja 4.2 ovat voimassa sopimuksen päättymisen jälkeenkin niin kauan kuin Käsittelijällä tai alikäsittelijällä on Rekisterinpitäjän henkilötietoja."
    ),
    H("Liite I – Käsittelyn kuvaus"),
    P("Palvelu (käsittelyn kohde): {{ processing.service }}"),
    P("Käsittelyn luonne: {{ processing.nature }}"),
    P("Käsittelyn tarkoitukset: {{ processing.purposes }}"),
    P("Henkilötietotyypit: {{ processing.data_categories }}"),
    P("Rekisteröityjen ryhmät: {{ processing.data_subjects }}"),
    P("Erityiset henkilötietoryhmät tai rikostiedot: {{ processing.sensitive }}"),
    P("Säilytysaika: {{ processing.retention }}"),
    P("Kesto: {{ agreement.duration }}"),
    annex("Liite II – Tekniset ja organisatoriset toimenpiteet (tietosuoja-asetuksen 32 artikla)"),
    table(
        ["Luokka", "Toimenpiteet"],
        "measures",
        ["{{ row.category }}", "{{ row.measures }}"],
        [35, 65],
    ),
    annex("Liite III – Hyväksytyt alikäsittelijät"),
    P("{{ subprocessor_summary }}"),
    table(
        ["Alikäsittelijä", "Maa", "Käsittely", "Siirtotapa"],
        "subprocessors",
        ["{{ row.name }}", "{{ row.country }}", "{{ row.purpose }}", "{{ row.mechanism }}"],
    ),
    H("Allekirjoitukset"),
    P("Rekisterinpitäjän ({{ org.name }}) puolesta: ______________________   Päiväys: __________"),
    P(
        "Käsittelijän ({{ vendor.legal_name }}) puolesta: ______________________   Päiväys: __________"
    ),
]

# The DPA as the register says it is: where we are the controller, a GDPR Art. 28(3) agreement;
# where we process for our customers, the Art. 28(4) agreement with our sub-processor, with the
# same clauses and the roles moved one step down the chain. Finnish stems make the move exact:
# Käsittelijä(n/lle/ä) -> Alikäsittelijä(n/lle/ä), Rekisterinpitäjä(n/lle/ä) -> Käsittelijä(...).
ROLE_SWAP = {
    "en": (("Processor", "\x00"), ("Controller", "Processor"), ("\x00", "Sub-processor")),
    "fi": (
        ("Käsittelijä", "\x00"),
        ("Rekisterinpitäjä", "Käsittelijä"),
        ("\x00", "Alikäsittelijä"),
    ),
}


def _swap(blocks: list[Block], language: str) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table):
            out.append(block)
            continue
        text = block.text
        for old, new in ROLE_SWAP[language]:
            text = text.replace(old, new)
        out.append(
            H(text, block.level, block.page_break)
            if isinstance(block, H)
            else P(text, block.bold, block.keep)
        )
    return out


def _find(blocks: list[Block], start: str) -> int:
    return next(
        i for i, b in enumerate(blocks) if not isinstance(b, Table) and b.text.startswith(start)
    )


DPA_TEXT = {
    "en": {
        "parties": "1. Parties",
        "us": "{{ org.name }}, business ID {{ org.business_id }}, {{ org.address }}, {{ org.country_name }}; contact person {{ org.dpo }} (the “Controller”);",
        "vendor": "{{ vendor.legal_name }}{{ vendor.trading }}, {{ vendor.business_id_label }} {{ vendor.business_id }}, {{ vendor.address_country }}; contact person {{ vendor.contact }} (the “Processor”).",
        "intro": "The Processor processes personal data on behalf of the Controller. This agreement sets out the terms required by Article 28(3) of Regulation (EU) 2016/679 (the “GDPR”).",
        "sub_intro": "The Sub-processor processes personal data on behalf of the Processor, which itself processes the personal data described in section 2 on behalf of a controller (the “Controller”) under a data processing agreement between the Controller and the Processor (the “Controller Agreement”). The Controller is: {{ parties.controller }}. As required by Article 28(4) GDPR, this agreement imposes on the Sub-processor the same data protection obligations as are set out in the Controller Agreement, in particular sufficient guarantees to implement appropriate technical and organisational measures. Where the Sub-processor fails to fulfil its data protection obligations, the Processor remains fully liable to the Controller for the performance of the Sub-processor's obligations.",
        "breach": "3.10 Personal data breaches. The Processor notifies the Controller of a personal data breach {{ breach_deadline }}, describing at least the information listed in Article 33(3) GDPR as far as it is available, and assists the Controller with the notification to the supervisory authority and the communication to data subjects (Articles 33 and 34 GDPR).",
        "transfers_h": "5. Transfers to third countries (GDPR Chapter V)",
        "transfers_1": "5.1 The Processor transfers personal data to a third country or an international organisation only on documented instructions of the Controller and only where the conditions of Chapter V GDPR are met.",
        "transfers_2": "5.2 {{ transfers_summary }}",
        "transfers_3": "5.3 The Processor informs the Controller without undue delay if a safeguard listed above is invalidated, expires or can no longer be complied with, and then suspends the transfer{% if transfers_fallback %} or relies on the stated fallback safeguard{% endif %}. Annex III states the safeguard relied on for each sub-processor.",
        "transfer_cols": [
            "Importer",
            "Destination",
            "Safeguard (and fallback)",
            "Transfer impact assessment",
        ],
        "annex_iii_cols": [
            "Sub-processor (legal entity, address)",
            "Country",
            "Processing",
            "Place in the chain",
            "Transfer safeguard",
        ],
        "precedence_h": "7. Relationship to the main agreement and precedence",
        "precedence": "This agreement forms part of the agreement between the parties for the services described in section 2 (the “Main Agreement”). In the event of a conflict concerning the processing of personal data, any standard contractual clauses concluded between the parties prevail (Clause 5 of Decision (EU) 2021/914), then this agreement, then the Main Agreement. Limitations of liability in the Main Agreement do not restrict the rights of data subjects or the powers of supervisory authorities.",
        "law_h": "8. Governing law and disputes",
        "law": "This agreement is governed by the laws of Finland, excluding its choice-of-law rules. Disputes are settled by the Helsinki District Court (Helsingin käräjäoikeus) as the court of first instance, unless the Main Agreement provides for arbitration.",
        "sign_h": "Signatures",
        "sign_intro": "This agreement has been signed in two counterparts, one for each party, or electronically.",
        "sign_us": "For the Controller: {{ org.name }}",
        "sign_vendor": "For the Processor: {{ vendor.legal_name }}",
        "sign_lines": "Place and date: ______________________________\nSignature: ______________________________\nName and title: {{ %s.signatory }}",
        "further": "4.3 A processor engaged by a sub-processor, and each processor engaged further down its chain, is a “further sub-processor”. Sections 4.1 and 4.2 apply to every further sub-processor: it is engaged only on the same conditions, by a written contract imposing the same data protection obligations, and Annex III lists it with the sub-processor that engages it. The Processor remains fully liable to the Controller for every further sub-processor.",
        "further_sub": "4.3 Each processor that the Sub-processor engages, and each processor engaged further down its chain, is a “further sub-processor”. Sections 4.1 and 4.2 apply to every further sub-processor: it is engaged only on the same conditions, by a written contract imposing the same data protection obligations, and Annex III lists it with the processor that engages it. The Sub-processor remains fully liable to the Processor for every further sub-processor.",
        "annex_iii_none": "{%p if subprocessors %}",
    },
    "fi": {
        "parties": "1. Osapuolet",
        "us": "{{ org.name }}, Y-tunnus {{ org.business_id }}, {{ org.address }}, {{ org.country_name }}; yhteyshenkilö {{ org.dpo }} (”Rekisterinpitäjä”);",
        "vendor": "{{ vendor.legal_name }}{{ vendor.trading }}, {{ vendor.business_id_label }} {{ vendor.business_id }}, {{ vendor.address_country }}; yhteyshenkilö {{ vendor.contact }} (”Käsittelijä”).",
        "intro": "Käsittelijä käsittelee henkilötietoja Rekisterinpitäjän lukuun. Tässä sopimuksessa sovitaan Euroopan parlamentin ja neuvoston asetuksen (EU) 2016/679 (”tietosuoja-asetus”) 28 artiklan 3 kohdassa edellytetyistä ehdoista.",
        "sub_intro": "Alikäsittelijä käsittelee henkilötietoja Käsittelijän lukuun. Käsittelijä puolestaan käsittelee 2 kohdassa kuvattuja henkilötietoja rekisterinpitäjän (”Rekisterinpitäjä”) lukuun Rekisterinpitäjän ja Käsittelijän välisen henkilötietojen käsittelysopimuksen (”Rekisterinpitäjäsopimus”) perusteella. Rekisterinpitäjä on: {{ parties.controller }}. Tietosuoja-asetuksen 28 artiklan 4 kohdan mukaisesti tällä sopimuksella asetetaan Alikäsittelijälle samat tietosuojavelvoitteet kuin Rekisterinpitäjäsopimuksessa, erityisesti velvollisuus antaa riittävät takeet asianmukaisten teknisten ja organisatoristen toimenpiteiden toteuttamisesta. Jos Alikäsittelijä ei täytä tietosuojavelvoitteitaan, Käsittelijä on täysimääräisesti vastuussa Rekisterinpitäjälle Alikäsittelijän velvoitteiden täyttämisestä.",
        "breach": "3.10 Henkilötietojen tietoturvaloukkaukset. Käsittelijä ilmoittaa Rekisterinpitäjälle henkilötietojen tietoturvaloukkauksesta {{ breach_deadline }} ja antaa vähintään tietosuoja-asetuksen 33 artiklan 3 kohdassa luetellut tiedot siltä osin kuin ne ovat saatavilla sekä avustaa Rekisterinpitäjää ilmoituksessa valvontaviranomaiselle ja rekisteröidyille (tietosuoja-asetuksen 33 ja 34 artikla).",
        "transfers_h": "5. Siirrot kolmansiin maihin (tietosuoja-asetuksen V luku)",
        "transfers_1": "5.1 Käsittelijä siirtää henkilötietoja kolmanteen maahan tai kansainväliselle järjestölle vain Rekisterinpitäjän dokumentoitujen ohjeiden mukaisesti ja vain, jos tietosuoja-asetuksen V luvun edellytykset täyttyvät.",
        "transfers_2": "5.2 {{ transfers_summary }}",
        "transfers_3": "5.3 Käsittelijä ilmoittaa Rekisterinpitäjälle ilman aiheetonta viivytystä, jos edellä mainittu suojatoimi mitätöidään, lakkaa olemasta voimassa tai sitä ei enää voida noudattaa, ja keskeyttää tällöin siirron{% if transfers_fallback %} tai siirtyy käyttämään mainittua varasuojatointa{% endif %}. Liitteessä III mainitaan kunkin alikäsittelijän siirron suojatoimi.",
        "transfer_cols": [
            "Vastaanottaja",
            "Kohdemaa",
            "Suojatoimi (ja varasuojatoimi)",
            "Siirtovaikutusten arviointi",
        ],
        "annex_iii_cols": [
            "Alikäsittelijä (oikeushenkilö, osoite)",
            "Maa",
            "Käsittely",
            "Asema ketjussa",
            "Siirron suojatoimi",
        ],
        "precedence_h": "7. Suhde pääsopimukseen ja pätemisjärjestys",
        "precedence": "Tämä sopimus on osa osapuolten välistä sopimusta 2 kohdassa kuvatuista palveluista (”Pääsopimus”). Jos henkilötietojen käsittelyä koskevissa ehdoissa on ristiriita, ensisijaisia ovat osapuolten välillä mahdollisesti sovitut vakiosopimuslausekkeet (päätöksen (EU) 2021/914 lauseke 5), sitten tämä sopimus ja sitten Pääsopimus. Pääsopimuksen vastuunrajoitukset eivät rajoita rekisteröityjen oikeuksia eivätkä valvontaviranomaisten toimivaltuuksia.",
        "law_h": "8. Sovellettava laki ja riidanratkaisu",
        "law": "Tähän sopimukseen sovelletaan Suomen lakia lukuun ottamatta sen lainvalintasääntöjä. Riidat ratkaistaan ensimmäisenä oikeusasteena Helsingin käräjäoikeudessa, jollei Pääsopimuksessa sovita välimiesmenettelystä.",
        "sign_h": "Allekirjoitukset",
        "sign_intro": "Tämä sopimus on allekirjoitettu kahtena kappaleena, yksi kummallekin osapuolelle, tai sähköisesti.",
        "sign_us": "Rekisterinpitäjän puolesta: {{ org.name }}",
        "sign_vendor": "Käsittelijän puolesta: {{ vendor.legal_name }}",
        "sign_lines": "Paikka ja päiväys: ______________________________\nAllekirjoitus: ______________________________\nNimenselvennys ja asema: {{ %s.signatory }}",
        "further": "4.3 Alikäsittelijän käyttämä käsittelijä ja jokainen sen ketjussa edelleen käytetty käsittelijä on ”jatkoalikäsittelijä”. Kohtia 4.1 ja 4.2 sovelletaan jokaiseen jatkoalikäsittelijään: sen saa ottaa käyttöön vain samoin edellytyksin kirjallisella sopimuksella, jolla sille asetetaan samat tietosuojavelvoitteet, ja liitteessä III se mainitaan yhdessä sen käyttöön ottaneen alikäsittelijän kanssa. Käsittelijä vastaa Rekisterinpitäjälle täysimääräisesti jokaisesta jatkoalikäsittelijästä.",
        "further_sub": "4.3 Jokainen Alikäsittelijän käyttämä käsittelijä ja jokainen sen ketjussa edelleen käytetty käsittelijä on ”jatkoalikäsittelijä”. Kohtia 4.1 ja 4.2 sovelletaan jokaiseen jatkoalikäsittelijään: sen saa ottaa käyttöön vain samoin edellytyksin kirjallisella sopimuksella, jolla sille asetetaan samat tietosuojavelvoitteet, ja liitteessä III se mainitaan yhdessä sen käyttöön ottaneen käsittelijän kanssa. Alikäsittelijä vastaa Käsittelijälle täysimääräisesti jokaisesta jatkoalikäsittelijästä.",
        "annex_iii_none": "{%p if subprocessors %}",
    },
}


FURTHER = "\x01further"
"""Where the definition of a further sub-processor goes (after 4.2); its wording differs
between the Art. 28(3) and the Art. 28(4) agreement, so it is placed after the role swap."""

ANNEX_III_CELLS = [
    "{{ row.entity }}",
    "{{ row.country }}",
    "{{ row.purpose }}",
    "{{ row.tier }}",
    "{{ row.mechanism }}",
]
ANNEX_III_WIDTHS = [22, 14, 16, 21, 27]


def dpa(language: str, old: list[Block]) -> list[Block]:
    """The DPA in ``language`` from the clause text above and the existing clause list."""
    t = DPA_TEXT[language]
    core = old[
        next(i for i, b in enumerate(old) if isinstance(b, H) and b.text.startswith("2.")) : next(
            i for i, b in enumerate(old) if isinstance(b, H) and b.text.startswith("5.")
        )
    ]
    term_at = next(i for i, b in enumerate(old) if isinstance(b, H) and b.text.startswith("6."))
    annex_at = next(
        i
        for i, b in enumerate(old)
        if isinstance(b, H) and b.text.startswith(("Annex I ", "Liite I "))
    )
    term = old[term_at:annex_at]
    four = next(i for i, b in enumerate(core) if isinstance(b, H) and b.text.startswith("4."))
    core = [*core[:four], P(t["breach"]), *core[four:]]
    four_two = _find(core, "4.2")
    core = [*core[: four_two + 1], P(FURTHER), *core[four_two + 1 :]]
    # One block kept together on one page (keep-with-next down to its last line).
    signatures: list[Block] = [
        H(t["sign_h"], 1, page_break=False),
        P(t["sign_intro"], keep=True),
        P(t["sign_us"], bold=True, keep=True),
        *[P(line, keep=True) for line in (t["sign_lines"] % "org").split("\n")],
        P("", keep=True),
        P(t["sign_vendor"], bold=True, keep=True),
        *[P(line, keep=True) for line in (t["sign_lines"] % "vendor").split("\n")[:-1]],
        P((t["sign_lines"] % "vendor").split("\n")[-1]),
    ]
    body: list[Block] = [
        H(t["parties"]),
        P(t["us"]),
        P(t["vendor"]),
        P(t["intro"]),
        *core,
        H(t["transfers_h"]),
        P(t["transfers_1"]),
        P(t["transfers_2"]),
        P("{%p if transfers %}"),
        table(
            t["transfer_cols"],
            "transfers",
            [
                "{{ row.importer }} ({{ row.tier }})",
                "{{ row.country }}",
                "{{ row.safeguard }}",
                "{{ row.tia }}",
            ],
            [25, 16, 37, 22],
        ),
        P(t["transfers_3"]),
        P("{%p endif %}"),
        *term,
        H(t["precedence_h"]),
        P(t["precedence"]),
        H(t["law_h"]),
        P(t["law"]),
        *signatures,
    ]
    sub = _swap(body, language)
    sub[3] = P(t["sub_intro"])
    body = [P(t["further"]) if b == P(FURTHER) else b for b in body]
    sub = [P(t["further_sub"]) if b == P(FURTHER) else b for b in sub]
    annexes = old[
        annex_at : next(
            i
            for i, b in enumerate(old)
            if isinstance(b, H) and b.text in ("Signatures", "Allekirjoitukset")
        )
    ]
    fixed: list[Block] = []
    for block in annexes:
        if isinstance(block, H) and block.text.startswith(("Annex", "Liite")):
            fixed.append(annex(block.text))
        elif isinstance(block, Table) and block.loop == "subprocessors":
            fixed += [
                P("{%p if subprocessors %}"),
                table(t["annex_iii_cols"], block.loop, ANNEX_III_CELLS, ANNEX_III_WIDTHS),
                P("{%p endif %}"),
            ]
        else:
            fixed.append(block)
    return [
        P("{%p if parties.sub_processing %}"),
        *sub,
        P("{%p else %}"),
        *body,
        P("{%p endif %}"),
        *fixed,
    ]


# --- SCC 2021/914 annexes --------------------------------------------------------------------

ANNEX_III_IF = P("{%p if transfer.module == 2 or transfer.module == 3 %}")
ELSE = P("{%p else %}")
ENDIF = P("{%p endif %}")

SCC_EN: list[Block] = [
    P(
        "Annexes to the standard contractual clauses for the transfer of personal data to third countries (Commission Implementing Decision (EU) 2021/914), {{ transfer.module_text }}."
    ),
    P("{{ contract }}"),
    H("Options elected in the Clauses"),
    table(
        ["Clause", "Option elected"],
        "clauses",
        ["{{ row.clause }}", "{{ row.election }}"],
        [34, 66],
    ),
    annex("Annex I"),
    H("A. List of parties", 2),
    P("Data exporter", bold=True),
    P("Name: {{ exporter.name }} ({{ exporter.business_id_label }} {{ exporter.business_id }})"),
    P("Address: {{ exporter.address }}"),
    P("Contact person's name, position and contact details: {{ exporter.contact }}"),
    P("Activities relevant to the data transferred under these Clauses: {{ processing.service }}"),
    P("Role (controller/processor): {{ exporter.role }}"),
    P("Signatory's name and position: {{ exporter.signatory }}"),
    P("Signature and date: ______________________________"),
    P("Data importer", bold=True),
    P("Name: {{ importer.name }} ({{ importer.business_id_label }} {{ importer.business_id }})"),
    P("Address: {{ importer.address }}"),
    P("Contact person's name, position and contact details: {{ importer.contact }}"),
    P("Activities relevant to the data transferred under these Clauses: {{ processing.service }}"),
    P("Role (controller/processor): {{ importer.role }}"),
    P("Signatory's name and position: {{ importer.signatory }}"),
    P("Signature and date: ______________________________"),
    H("B. Description of transfer", 2),
    P(
        "Categories of data subjects whose personal data is transferred: {{ processing.data_subjects }}"
    ),
    P("Categories of personal data transferred: {{ transfer.data_categories }}"),
    P(
        "Sensitive data transferred (if applicable) and applied restrictions or safeguards: {{ processing.sensitive }}"
    ),
    P("The frequency of the transfer: {{ transfer.frequency }}"),
    P("Nature of the processing: {{ processing.nature }}"),
    P("Purpose(s) of the data transfer and further processing: {{ processing.purposes }}"),
    P(
        "The period for which the personal data will be retained, or, if that is not possible, the criteria used to determine that period: {{ processing.retention }}"
    ),
    ANNEX_III_IF,
    P(
        "For transfers to (sub-)processors, subject matter, nature and duration of the processing: {{ transfer.subject_matter }}; {{ transfer.duration }}."
    ),
    ENDIF,
    H("C. Competent supervisory authority", 2),
    P("{%p if transfer.module != 4 %}"),
    P("In accordance with Clause 13: {{ authority }}"),
    ELSE,
    P("Clause 13 does not apply to Module 4."),
    ENDIF,
    H(
        "Annex II – Technical and organisational measures including measures to ensure the security of the data"
    ),
    table(
        ["Category", "Measures"], "measures", ["{{ row.category }}", "{{ row.measures }}"], [35, 65]
    ),
    P(
        "Supplementary measures (EDPB Recommendations 01/2020): {{ transfer.supplementary_measures }}"
    ),
    annex("Annex III – List of sub-processors"),
    ANNEX_III_IF,
    P("{{ annex_iii_note }}"),
    P("{%p if subprocessors %}"),
    table(
        [
            "Sub-processor (legal entity, address)",
            "Country",
            "Processing",
            "Place in the chain",
            "Transfer safeguard",
        ],
        "subprocessors",
        ANNEX_III_CELLS,
        ANNEX_III_WIDTHS,
    ),
    ENDIF,
    ELSE,
    P("{{ annex_iii_note }}"),
    ENDIF,
]

SCC_FI: list[Block] = [
    P(
        "Liitteet vakiosopimuslausekkeisiin henkilötietojen siirtämiseksi kolmansiin maihin (komission täytäntöönpanopäätös (EU) 2021/914), {{ transfer.module_text }}."
    ),
    P("{{ contract }}"),
    H("Lausekkeissa tehdyt valinnat"),
    table(["Lauseke", "Valinta"], "clauses", ["{{ row.clause }}", "{{ row.election }}"], [34, 66]),
    annex("Liite I"),
    H("A. Luettelo osapuolista", 2),
    P("Tietojen viejä", bold=True),
    P("Nimi: {{ exporter.name }} ({{ exporter.business_id_label }} {{ exporter.business_id }})"),
    P("Osoite: {{ exporter.address }}"),
    P("Yhteyshenkilön nimi, asema ja yhteystiedot: {{ exporter.contact }}"),
    P(
        "Näiden lausekkeiden nojalla siirrettäviin tietoihin liittyvä toiminta: {{ processing.service }}"
    ),
    P("Rooli (rekisterinpitäjä/käsittelijä): {{ exporter.role }}"),
    P("Allekirjoittajan nimi ja asema: {{ exporter.signatory }}"),
    P("Allekirjoitus ja päiväys: ______________________________"),
    P("Tietojen tuoja", bold=True),
    P("Nimi: {{ importer.name }} ({{ importer.business_id_label }} {{ importer.business_id }})"),
    P("Osoite: {{ importer.address }}"),
    P("Yhteyshenkilön nimi, asema ja yhteystiedot: {{ importer.contact }}"),
    P(
        "Näiden lausekkeiden nojalla siirrettäviin tietoihin liittyvä toiminta: {{ processing.service }}"
    ),
    P("Rooli (rekisterinpitäjä/käsittelijä): {{ importer.role }}"),
    P("Allekirjoittajan nimi ja asema: {{ importer.signatory }}"),
    P("Allekirjoitus ja päiväys: ______________________________"),
    H("B. Siirron kuvaus", 2),
    P("Rekisteröityjen ryhmät, joiden henkilötietoja siirretään: {{ processing.data_subjects }}"),
    P("Siirrettävät henkilötietoryhmät: {{ transfer.data_categories }}"),
    P(
        "Siirrettävät arkaluonteiset tiedot (tarvittaessa) ja sovellettavat rajoitukset tai suojatoimet: {{ processing.sensitive }}"
    ),
    P("Siirron tiheys: {{ transfer.frequency }}"),
    P("Käsittelyn luonne: {{ processing.nature }}"),
    P("Tietojen siirron ja jatkokäsittelyn tarkoitukset: {{ processing.purposes }}"),
    P(
        "Ajanjakso, jonka henkilötietoja säilytetään, tai jos se ei ole mahdollista, kriteerit, joiden perusteella ajanjakso määritetään: {{ processing.retention }}"
    ),
    ANNEX_III_IF,
    P(
        "Siirrot (ali)käsittelijöille: käsittelyn kohde, luonne ja kesto: {{ transfer.subject_matter }}; {{ transfer.duration }}."
    ),
    ENDIF,
    H("C. Toimivaltainen valvontaviranomainen", 2),
    P("{%p if transfer.module != 4 %}"),
    P("Lausekkeen 13 mukaisesti: {{ authority }}"),
    ELSE,
    P("Lauseketta 13 ei sovelleta moduuliin 4."),
    ENDIF,
    H(
        "Liite II – Tekniset ja organisatoriset toimenpiteet, mukaan lukien toimenpiteet tietoturvan varmistamiseksi"
    ),
    table(
        ["Luokka", "Toimenpiteet"],
        "measures",
        ["{{ row.category }}", "{{ row.measures }}"],
        [35, 65],
    ),
    P(
        "Täydentävät toimenpiteet (Euroopan tietosuojaneuvoston suositukset 01/2020): {{ transfer.supplementary_measures }}"
    ),
    annex("Liite III – Luettelo alikäsittelijöistä"),
    ANNEX_III_IF,
    P("{{ annex_iii_note }}"),
    P("{%p if subprocessors %}"),
    table(
        [
            "Alikäsittelijä (oikeushenkilö, osoite)",
            "Maa",
            "Käsittely",
            "Asema ketjussa",
            "Siirron suojatoimi",
        ],
        "subprocessors",
        ANNEX_III_CELLS,
        ANNEX_III_WIDTHS,
    ),
    ENDIF,
    ELSE,
    P("{{ annex_iii_note }}"),
    ENDIF,
]

# --- Transfer impact assessment (EDPB Recommendations 01/2020) -------------------------------

TIA_EN: list[Block] = [
    P(
        "Transfer impact assessment following the six steps of EDPB Recommendations 01/2020 on measures that supplement transfer tools (version 2.0, 18 June 2021) and Clause 14 of the standard contractual clauses. Assessment date: {{ assessment.completed_on }}."
    ),
    H("Step 1 – Know your transfer"),
    P(
        "Exporter {{ exporter.name }} ({{ exporter.role }}) transfers personal data ({{ transfer.data_categories }}) to {{ vendor.legal_name }} ({{ transfer.importer_role }}) in {{ transfer.country_name }}. Frequency: {{ transfer.frequency }}."
    ),
    P("{%p if transfer.description %}"),
    P("{{ transfer.description }}"),
    P("{%p endif %}"),
    P("Categories of data subjects: {{ transfer.data_subjects }}."),
    P("Purposes: {{ transfer.purposes }}."),
    P("Type of transfer: {{ transfer.access }}."),
    P("Format and protection of the data as transferred: {{ transfer.measures }}."),
    P("Onward transfers (the importer's sub-processors): {{ transfer.onward }}."),
    P("Retention by the importer: {{ transfer.retention }}."),
    H("Step 2 – Transfer tool relied on"),
    P("{{ transfer.mechanism_name }} ({{ transfer.mechanism_basis }})."),
    H("Step 3 – Law and practice of the destination country"),
    P(
        "Laws of {{ country_note.title }} that allow public authorities to access the data",
        bold=True,
    ),
    P("{{ country_note.text }}"),
    P("Finding for this importer and these data", bold=True),
    P("{{ country_note.finding }}"),
    P("Sources (on or before the assessment date)", bold=True),
    P("{%p for source in country_note.sources %}"),
    P("– {{ source.text }}"),
    P("{%p endfor %}"),
    P("{%p if country_note.developments %}"),
    P("Developments since the assessment", bold=True),
    P(
        "Dated after {{ assessment.completed_on }}; not considered in this assessment, to be weighed at its re-evaluation:"
    ),
    P("{%p for source in country_note.developments %}"),
    P("– {{ source.text }}"),
    P("{%p endfor %}"),
    P("{%p endif %}"),
    H("Risk of access in practice", 2),
    P("{{ risk.method }}"),
    P("{%p if risk_scenarios %}"),
    table(
        ["Scenario", "Request", "Compelled", "Measures fail", "Probability"],
        "risk_scenarios",
        [
            "{{ row.scenario }}",
            "{{ row.request }}",
            "{{ row.compelled }}",
            "{{ row.measures_fail }}",
            "{{ row.probability }}",
        ],
        [36, 16, 16, 16, 16],
    ),
    P("{%p endif %}"),
    P("{{ risk.result }}", bold=True),
    P("Reasoned conclusion: {{ risk.reasoning }}"),
    H("Step 4 – Supplementary measures"),
    P("{{ assessment.supplementary_measures }}"),
    H("Step 5 – Procedural steps"),
    P("{{ assessment.procedural_steps }}"),
    H("Step 6 – Re-evaluation"),
    P("Conclusion of the assessment: {{ assessment.conclusion }}."),
    P("Next re-evaluation: {{ assessment.next_review_on }}."),
    P(
        "Assessed by: {{ assessment.assessor }}. Approved by: {{ assessment.approver }} ({{ assessment.approved_on }})."
    ),
    H("Status of the transfer on {{ evaluation.as_of }}"),
    P(
        "Assessment date: {{ evaluation.assessed_on }}. On {{ evaluation.as_of }}, the date of this document, the transfer is: {{ evaluation.verdict }}."
    ),
    table(
        ["Finding", "Legal source"],
        "evaluation.reasons",
        ["{{ row.message }}", "{{ row.citation }}"],
        [62, 38],
    ),
]

TIA_FI: list[Block] = [
    P(
        "Siirtovaikutusten arviointi Euroopan tietosuojaneuvoston siirtovälineitä täydentäviä toimenpiteitä koskevien suositusten 01/2020 (versio 2.0, 18.6.2021) kuuden vaiheen ja vakiosopimuslausekkeiden lausekkeen 14 mukaisesti. Arvioinnin päivämäärä: {{ assessment.completed_on }}."
    ),
    H("Vaihe 1 – Siirron tunnistaminen"),
    P(
        "Tietojen viejä {{ exporter.name }} ({{ exporter.role }}) siirtää henkilötietoja ({{ transfer.data_categories }}) tietojen tuojalle {{ vendor.legal_name }} ({{ transfer.importer_role }}), kohdemaa: {{ transfer.country_name }}. Tiheys: {{ transfer.frequency }}."
    ),
    P("{%p if transfer.description %}"),
    P("{{ transfer.description }}"),
    P("{%p endif %}"),
    P("Rekisteröityjen ryhmät: {{ transfer.data_subjects }}."),
    P("Käsittelyn tarkoitukset: {{ transfer.purposes }}."),
    P("Siirron tyyppi: {{ transfer.access }}."),
    P("Tietojen muoto ja suojaus siirrettäessä: {{ transfer.measures }}."),
    P("Edelleensiirrot (tietojen tuojan alikäsittelijät): {{ transfer.onward }}."),
    P("Säilytysaika tietojen tuojalla: {{ transfer.retention }}."),
    H("Vaihe 2 – Käytetty siirtoväline"),
    P("{{ transfer.mechanism_name }} ({{ transfer.mechanism_basis }})."),
    H("Vaihe 3 – Kohdemaan lainsäädäntö ja käytäntö"),
    P(
        "Lait, joiden nojalla viranomaiset voivat saada tiedot käyttöönsä (kohdemaa: {{ country_note.title }})",
        bold=True,
    ),
    P("{{ country_note.text }}"),
    P("Havainto tämän tietojen tuojan ja näiden tietojen osalta", bold=True),
    P("{{ country_note.finding }}"),
    P("Lähteet (arvioinnin päivämäärään mennessä)", bold=True),
    P("{%p for source in country_note.sources %}"),
    P("– {{ source.text }}"),
    P("{%p endfor %}"),
    P("{%p if country_note.developments %}"),
    P("Kehitys arvioinnin jälkeen", bold=True),
    P(
        "Päivätty {{ assessment.completed_on }} jälkeen; ei otettu huomioon tässä arvioinnissa, arvioidaan uudelleenarvioinnissa:"
    ),
    P("{%p for source in country_note.developments %}"),
    P("– {{ source.text }}"),
    P("{%p endfor %}"),
    P("{%p endif %}"),
    H("Tiedonsaannin riski käytännössä", 2),
    P("{{ risk.method }}"),
    P("{%p if risk_scenarios %}"),
    table(
        ["Skenaario", "Pyyntö", "Luovutus", "Toimenpiteet pettävät", "Todennäköisyys"],
        "risk_scenarios",
        [
            "{{ row.scenario }}",
            "{{ row.request }}",
            "{{ row.compelled }}",
            "{{ row.measures_fail }}",
            "{{ row.probability }}",
        ],
        [30, 14, 16, 20, 20],
    ),
    P("{%p endif %}"),
    P("{{ risk.result }}", bold=True),
    P("Perusteltu johtopäätös: {{ risk.reasoning }}"),
    H("Vaihe 4 – Täydentävät toimenpiteet"),
    P("{{ assessment.supplementary_measures }}"),
    H("Vaihe 5 – Menettelyyn liittyvät toimet"),
    P("{{ assessment.procedural_steps }}"),
    H("Vaihe 6 – Uudelleenarviointi"),
    P("Arvioinnin johtopäätös: {{ assessment.conclusion }}."),
    P("Seuraava uudelleenarviointi: {{ assessment.next_review_on }}."),
    P(
        "Arvioinnin laati: {{ assessment.assessor }}. Arvioinnin hyväksyi: {{ assessment.approver }} ({{ assessment.approved_on }})."
    ),
    H("Siirron tila {{ evaluation.as_of }}"),
    P(
        "Arvioinnin päivämäärä: {{ evaluation.assessed_on }}. Tämän asiakirjan päivämääränä {{ evaluation.as_of }} siirto on: {{ evaluation.verdict }}."
    ),
    table(
        ["Havainto", "Oikeuslähde"],
        "evaluation.reasons",
        ["{{ row.message }}", "{{ row.citation }}"],
        [62, 38],
    ),
]

# --- Subprocessor list, privacy notice section, record extract --------------------------------

LIST_CELLS = [
    "{{ row.entity }}",
    "{{ row.purpose }}",
    "{{ row.country }}",
    "{{ row.tier }}",
    "{{ row.mechanism }}",
]
LIST_WIDTHS = [20, 22, 12, 19, 27]
CHANGE_CELLS = [
    "{{ row.change }}",
    "{{ row.name }}",
    "{{ row.parent }}",
    "{{ row.on }}",
    "{{ row.detail }}",
]
CHANGE_WIDTHS = [14, 22, 20, 15, 29]

SUBS_EN: list[Block] = [
    P(
        "Sub-processors that {{ org.name }} uses to process personal data on behalf of its customers ({{ scope }}), as of {{ as_of }}, with the changes since {{ changes_since }} (GDPR Art. 28(2) and (4)). The country is the one where the sub-processor is established."
    ),
    H("Current sub-processors"),
    table(
        [
            "Sub-processor (legal entity, address)",
            "Processing",
            "Country",
            "Place in the chain",
            "Transfer safeguard",
        ],
        "subprocessors",
        LIST_CELLS,
        LIST_WIDTHS,
    ),
    H("{{ changes_heading }}"),
    P("{{ changes_summary }}", keep=True),
    P("{%p if changes %}"),
    table(
        ["Change", "Sub-processor", "Engaged by", "Date", "What changed (before → after)"],
        "changes",
        CHANGE_CELLS,
        CHANGE_WIDTHS,
    ),
    P("{%p endif %}"),
    H("Right to object"),
    P("{{ objection_text }} Contact: {{ org.dpo }}."),
]

SUBS_FI: list[Block] = [
    P(
        "Alikäsittelijät, joita {{ org.name }} käyttää käsitellessään henkilötietoja asiakkaidensa lukuun ({{ scope }}), tilanne {{ as_of }}, sekä muutokset {{ changes_since }} jälkeen (tietosuoja-asetuksen 28 artiklan 2 ja 4 kohta). Maa on valtio, johon alikäsittelijä on sijoittautunut."
    ),
    H("Nykyiset alikäsittelijät"),
    table(
        [
            "Alikäsittelijä (oikeushenkilö, osoite)",
            "Käsittely",
            "Maa",
            "Asema ketjussa",
            "Siirron suojatoimi",
        ],
        "subprocessors",
        LIST_CELLS,
        LIST_WIDTHS,
    ),
    H("{{ changes_heading }}"),
    P("{{ changes_summary }}", keep=True),
    P("{%p if changes %}"),
    table(
        [
            "Muutos",
            "Alikäsittelijä",
            "Käyttöön ottanut",
            "Päivämäärä",
            "Mitä muuttui (ennen → jälkeen)",
        ],
        "changes",
        CHANGE_CELLS,
        CHANGE_WIDTHS,
    ),
    P("{%p endif %}"),
    H("Oikeus vastustaa muutosta"),
    P("{{ objection_text }} Yhteystiedot: {{ org.dpo }}."),
]

NOTICE_EN: list[Block] = [
    H("Transfers outside the EU/EEA"),
    P("{{ destinations_summary }}"),
    P("{%p if destinations %}"),
    table(
        ["Destination country", "Recipients", "Safeguard"],
        "destinations",
        ["{{ row.country }}", "{{ row.recipients }}", "{{ row.safeguard }}"],
        [20, 28, 52],
    ),
    ENDIF,
    P(
        "You can obtain a copy of the safeguards, or information on where they have been made available, from {{ org.dpo }} (GDPR Art. 13(1)(f) and 14(1)(f))."
    ),
]

NOTICE_FI: list[Block] = [
    H("Tietojen siirto EU/ETA-alueen ulkopuolelle"),
    P("{{ destinations_summary }}"),
    P("{%p if destinations %}"),
    table(
        ["Kohdemaa", "Vastaanottajat", "Suojatoimi"],
        "destinations",
        ["{{ row.country }}", "{{ row.recipients }}", "{{ row.safeguard }}"],
        [20, 28, 52],
    ),
    ENDIF,
    P(
        "Voit pyytää jäljennöstä suojatoimista tai tietoa siitä, missä ne on asetettu saataville: {{ org.dpo }} (tietosuoja-asetuksen 13 artiklan 1 kohdan f alakohta ja 14 artiklan 1 kohdan f alakohta)."
    ),
]

RECORD_EN: list[Block] = [
    P(
        "Extract of the record of processing activities of {{ org.name }}, business ID {{ org.business_id }}, {{ org.address }}, {{ org.country_name }}: transfers of personal data to third countries or international organisations (GDPR Art. 30(1)(e) and, for processing carried out on behalf of a controller, Art. 30(2)(a) and (c)), as of {{ as_of }}. Data protection contact: {{ org.dpo }}."
    ),
    table(
        [
            "Processing and purposes",
            "On behalf of",
            "Recipient",
            "Destination",
            "Personal data",
            "Safeguard",
            "Documentation (Art. 49(1), second subparagraph)",
        ],
        "transfers",
        [
            "{{ row.processing }}: {{ row.purposes }}",
            "{{ row.behalf }}",
            "{{ row.recipient }}",
            "{{ row.country }}",
            "{{ row.data }}",
            "{{ row.safeguard }}",
            "{{ row.documentation }}",
        ],
        [14, 17, 12, 10, 13, 20, 14],
    ),
    P("{%p if invalid %}"),
    H("Transfers without a valid safeguard (to be remedied)"),
    P(
        "The mechanism recorded for these transfers is not a valid safeguard under Chapter V of the GDPR; they are listed so that the record shows every transfer that takes place (Art. 30(1)(e)), not as transfers with appropriate safeguards."
    ),
    table(
        [
            "Processing and purposes",
            "On behalf of",
            "Recipient",
            "Destination",
            "Personal data",
            "Mechanism recorded",
            "Not a valid safeguard",
        ],
        "invalid",
        [
            "{{ row.processing }}: {{ row.purposes }}",
            "{{ row.behalf }}",
            "{{ row.recipient }}",
            "{{ row.country }}",
            "{{ row.data }}",
            "{{ row.mechanism }}",
            "{{ row.why }}",
        ],
        [14, 17, 12, 10, 13, 18, 16],
    ),
    ENDIF,
]

RECORD_FI: list[Block] = [
    P(
        "Ote organisaation {{ org.name }} (Y-tunnus {{ org.business_id }}, {{ org.address }}, {{ org.country_name }}) käsittelytoimien selosteesta: henkilötietojen siirrot kolmansiin maihin tai kansainvälisille järjestöille (tietosuoja-asetuksen 30 artiklan 1 kohdan e alakohta sekä rekisterinpitäjän lukuun suoritettavan käsittelyn osalta 30 artiklan 2 kohdan a ja c alakohta), tilanne {{ as_of }}. Tietosuojayhteyshenkilö: {{ org.dpo }}."
    ),
    table(
        [
            "Käsittely ja tarkoitukset",
            "Kenen lukuun",
            "Vastaanottaja",
            "Kohdemaa",
            "Henkilötiedot",
            "Suojatoimi",
            "Asiakirjat (49 artiklan 1 kohdan toinen alakohta)",
        ],
        "transfers",
        [
            "{{ row.processing }}: {{ row.purposes }}",
            "{{ row.behalf }}",
            "{{ row.recipient }}",
            "{{ row.country }}",
            "{{ row.data }}",
            "{{ row.safeguard }}",
            "{{ row.documentation }}",
        ],
        [14, 17, 12, 10, 13, 20, 14],
    ),
    P("{%p if invalid %}"),
    H("Siirrot ilman pätevää suojatoimea (korjattava)"),
    P(
        "Näille siirroille kirjattu siirtoperuste ei ole tietosuoja-asetuksen V luvun mukainen pätevä suojatoimi; siirrot luetellaan, jotta seloste kattaa kaikki tosiasialliset siirrot (30 artiklan 1 kohdan e alakohta), eikä niitä esitetä asianmukaisin suojatoimin tehtyinä siirtoina."
    ),
    table(
        [
            "Käsittely ja tarkoitukset",
            "Kenen lukuun",
            "Vastaanottaja",
            "Kohdemaa",
            "Henkilötiedot",
            "Kirjattu siirtoperuste",
            "Ei pätevä suojatoimi",
        ],
        "invalid",
        [
            "{{ row.processing }}: {{ row.purposes }}",
            "{{ row.behalf }}",
            "{{ row.recipient }}",
            "{{ row.country }}",
            "{{ row.data }}",
            "{{ row.mechanism }}",
            "{{ row.why }}",
        ],
        [14, 17, 12, 10, 13, 18, 16],
    ),
    ENDIF,
]

PARTY_STARTS = ("Data exporter", "Data importer", "Tietojen viejä", "Tietojen tuoja")
PARTY_ENDS = ("Signature and date", "Allekirjoitus ja päiväys")


def _keep_parties(blocks: list[Block]) -> list[Block]:
    """Each party of Annex I.A (name down to its signature line) kept on one page."""
    out: list[Block] = []
    inside = False
    for block in blocks:
        if isinstance(block, P) and block.text in PARTY_STARTS:
            inside = True
        if isinstance(block, P) and block.text.startswith(PARTY_ENDS):
            inside = False
        out.append(
            P(block.text, block.bold, keep=True) if inside and isinstance(block, P) else block
        )
    return out


TEMPLATES: dict[tuple[str, str], tuple[str, list[Block]]] = {
    ("en", "dpa"): ("Data Processing Agreement (GDPR Art. 28)", dpa("en", DPA_EN)),
    ("fi", "dpa"): (
        "Henkilötietojen käsittelysopimus (tietosuoja-asetuksen 28 artikla)",
        dpa("fi", DPA_FI),
    ),
    ("en", "scc_annexes"): ("Standard Contractual Clauses – Annexes", _keep_parties(SCC_EN)),
    ("fi", "scc_annexes"): ("Vakiosopimuslausekkeet – liitteet", _keep_parties(SCC_FI)),
    ("en", "tia"): ("Transfer Impact Assessment", TIA_EN),
    ("fi", "tia"): ("Siirtovaikutusten arviointi", TIA_FI),
    ("en", "subprocessor_list"): ("Sub-processor list", SUBS_EN),
    ("fi", "subprocessor_list"): ("Alikäsittelijäluettelo", SUBS_FI),
    ("en", "privacy_notice_section"): ("Privacy notice: transfers outside the EU/EEA", NOTICE_EN),
    ("fi", "privacy_notice_section"): (
        "Tietosuojaseloste: tietojen siirto EU/ETA-alueen ulkopuolelle",
        NOTICE_FI,
    ),
    ("en", "record_extract"): ("Record of processing activities: transfers", RECORD_EN),
    ("fi", "record_extract"): ("Käsittelytoimien seloste: siirrot", RECORD_FI),
}


def build(root: Path = ROOT) -> list[Path]:
    """Write all templates under ``root``; returns the paths written."""
    written = []
    for (language, kind), (title, blocks) in TEMPLATES.items():
        path = root / language / f"{kind}.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            render_template(title, blocks, language, landscape=kind == "record_extract")
        )
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT, help="templates folder (default: repo)")
    args = parser.parse_args()
    for path in build(args.out):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
