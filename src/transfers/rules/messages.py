"""A reason's sentence in the reader's language.

The engine writes each :class:`~transfers.rules.evaluate.Reason` in English with a stable
``key`` and typed ``params``; this module says the same in Finnish, so that a Finnish document or
page never shows an English reason. Names come from the reference data (``name_fi`` of a
mechanism) or from the canonical country names of the reference data; dates are written as Finns write them
(``1.2.2026``). A template whose parameters are missing falls back to the English sentence, so a
message is never broken; the test suite checks that every reason the engine gives has a Finnish
template.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Final

from babel.dates import format_date

from transfers.reference import load_reference, names
from transfers.rules.evaluate import Reason

LANGUAGES: Final = ("en", "fi")

_VERDICTS_FI: Final = {
    "lawful": "lainmukainen",
    "at_risk": "lainmukainen vain avoimin ehdoin",
    "unlawful": "lainvastainen",
    "inactive": "ei käynnissä",
}
_FROM_ROLE_FI: Final = {"controller": "rekisterinpitäjältä", "processor": "käsittelijältä"}
_TO_ROLE_FI: Final = {"controller": "rekisterinpitäjälle", "processor": "käsittelijälle"}
_BCR_FI: Final = {
    "controller": "rekisterinpitäjää koskevat säännöt (BCR-C)",
    "processor": "käsittelijää koskevat säännöt (BCR-P)",
}
_CONDITIONS_FI: Final = {
    "not_repetitive": "siirtoa ei ole kirjattu satunnaiseksi (ei toistuvaksi)",
    "limited_data_subjects": "siirron ei ole kirjattu koskevan vain rajattua määrää rekisteröityjä",
    "authority_informed": "valvontaviranomaisen ei ole kirjattu saaneen tietoa siirrosta",
    "data_subjects_informed": "rekisteröityjen ei ole kirjattu saaneen tietoa siirrosta",
}
_ENDED_FI: Final = {
    "lawful": "Siirto päättyi {end}; se oli lainmukainen koko sen ajan.",
    "at_risk": "Siirto päättyi {end}; se oli lainmukainen vain avoimin ehdoin (esimerkiksi {day}).",
    "unlawful": "Siirto päättyi {end}; sitä ei katettu koko sen ajan: {day} se oli lainvastainen.",
}

FI: Final[Mapping[str, str]] = {
    "transfer_not_started": "Siirto ei ole käynnissä {as_of}; se alkaa {start}. Alkamispäivänään se olisi {verdict}.",
    "not_third_country": "{country} ei ole kolmas maa {as_of}, joten tietosuoja-asetuksen V luku ei sovellu (käsittelijän kanssa tarvitaan silti 28 artiklan mukainen sopimus).",
    "unknown_mechanism": "{mechanism} ei ole viitetietojen tuntema siirtoperuste.",
    "mechanism_invalidated": "Siirtoperusteeseen ”{mechanism}” ei voi vedota {on} alkaen.",
    "mechanism_not_yet_applicable": "Siirtoperusteeseen ”{mechanism}” voi vedota vasta {on} alkaen.",
    "mechanism_expired": "Siirtoperusteeseen ”{mechanism}” saattoi vedota vain {on} asti.",
    "fallback_relied_on": "”{mechanism}” ei kata siirtoa {as_of}, mutta kirjattu varaperuste ”{fallback}” kattaa sen. Kirjaa ”{fallback}” siirtoperusteeksi.",
    "adequacy_by_operation_of_law": "Siirtoperustetta ei ole kirjattu, mutta riittävyyspäätös ({country}) kattaa siirron suoraan lain nojalla; kirjaa siirtoperusteeksi ”{mechanism}”.",
    "no_mechanism": "Siirto kolmanteen maahan ({country}) ilman siirtoperustetta.",
    "no_adequacy_decision": "Riittävyyspäätöstä ei ole ({country}).",
    "adequacy_via_framework": "Riittävyyspäätökseen ({country}) vedotaan järjestelyn ”{framework}” kautta; sen ehtojen on täytyttävä.",
    "adequacy_not_yet_adopted": "Riittävyyspäätös ({country}) on voimassa vasta {on} alkaen.",
    "adequacy_invalidated": "Riittävyyspäätökseen ({country}) ei voi vedota {on} alkaen.",
    "adequacy_expired": "Riittävyyspäätös ({country}) päättyi {on}.",
    "adequacy_out_of_scope": "Vastaanottaja on kirjattu riittävyyspäätöksen ({country}) soveltamisalan ulkopuolelle.",
    "adequacy_in_force": "Riittävyyspäätös ({country}) on voimassa {as_of}.",
    "adequacy_scope_unconfirmed": "Riittävyyspäätöksen ({country}) soveltamisala on rajattu; vahvista, että vastaanottaja kuuluu siihen.",
    "framework_wrong_country": "”{mechanism}” ei kata siirtoja kohteeseen {country}.",
    "framework_not_certified": "Vastaanottaja ei ole sertifioitunut järjestelyyn ”{mechanism}”.",
    "framework_certification_unknown": "Vastaanottajan sertifiointia järjestelyyn ”{mechanism}” ei ole vahvistettu.",
    "framework_hr_not_covered": "Siirto sisältää henkilöstötietoja ({hr}), eikä vastaanottajan sertifiointi järjestelyyn ”{mechanism}” kata henkilöstötietoja.",
    "framework_certified": "Vastaanottaja on sertifioitunut järjestelyyn ”{mechanism}”; sertifiointi tarkistettu viimeksi: {verified}.",
    "framework_verification_missing": "Vastaanottajan sertifioinnin (”{mechanism}”) tarkistusta ei ole kirjattu {as_of} mennessä.",
    "framework_verification_stale": "Sertifiointi tarkistettiin viimeksi {verified}; uusi tarkistus olisi pitänyt tehdä {due} mennessä.",
    "fallback_missing": "Varaperustetta ei ole kirjattu; pidä vakiosopimuslausekkeet ja siirtovaikutusten arviointi valmiina siltä varalta, että ”{mechanism}” kaatuu.",
    "fallback_not_art46": "Kirjattu varaperuste ”{fallback}” ei ole tietosuoja-asetuksen 46 artiklan mukainen suojatoimi, joten se ei voi korvata järjestelyä ”{mechanism}”.",
    "fallback_unusable": "Kirjattu varaperuste ”{fallback}” ei kattaisi siirtoa {as_of}.",
    "fallback_ready": "Varaperuste valmiina: ”{fallback}” kattaisi siirron, jos ”{mechanism}” kaatuisi.",
    "contract_missing": "Vastaanottajan kanssa ei ole kirjattu sopimusta (”{mechanism}”); {as_of} suojatoimia ei ole.",
    "contract_not_signed": "Allekirjoitettua sopimusta (”{mechanism}”) ei ole voimassa {as_of}, joten suojatoimia ei ole.",
    "agreement_draft": "Sopimus #{agreement} on luonnos, ei allekirjoitettu.",
    "agreement_terminated": "Sopimus #{agreement} on irtisanottu; viimeinen voimassaolopäivä: {terminated}.",
    "agreement_not_yet_signed": "Sopimus #{agreement} on allekirjoitettu vasta {signed}.",
    "agreement_not_yet_effective": "Sopimus #{agreement} tulee voimaan vasta {effective}.",
    "agreement_expired": "Sopimus #{agreement} päättyi {ends}.",
    "agreement_wrong_module": "Sopimus #{agreement} koskee moduulia {module}, ei moduulia {wanted}.",
    "scc_signed_before_adoption": "Sopimus #{agreement} allekirjoitettiin {signed}, ennen kuin ”{mechanism}” tuli sovellettavaksi ({applied}).",
    "legacy_scc_signed_before_applicable": "Sopimus #{agreement} allekirjoitettiin {signed}, ennen kuin ”{mechanism}” tuli sovellettavaksi ({applied}).",
    "legacy_scc_signed_after_repeal": "Sopimus #{agreement} allekirjoitettiin {signed}; ”{mechanism}” -lausekkeisiin {repealed} tai myöhemmin tehdyt sopimukset eivät kelpaa.",
    "contract_in_place": "”{mechanism}”: sopimus #{agreement} allekirjoitettu {signed}.",
    "tia_not_required_module4": "Moduuli 4: EU:ssa toimiva käsittelijä ei yhdistä vastaanotettuja tietoja EU:ssa keräämiinsä henkilötietoihin, joten siirtovaikutusten arviointia ei tarvita.",
    "module4_combination_unknown": "Kirjaa, yhdistääkö EU:ssa toimiva käsittelijä vastaanotetut tiedot EU:ssa keräämiinsä henkilötietoihin: vain silloin moduuli 4 edellyttää siirtovaikutusten arviointia.",
    "tia_missing": "Tälle siirrolle (”{mechanism}”) ei ole kirjattu valmista siirtovaikutusten arviointia.",
    "tia_not_adequate": "Siirtovaikutusten arviointi #{tia} ({completed}) toteaa, ettei tehokkaita suojatoimia voida toteuttaa; keskeytä siirto.",
    "tia_conclusion_missing": "Siirtovaikutusten arvioinnilla #{tia} ({completed}) ei ole tunnistettua johtopäätöstä.",
    "tia_completed": "Siirtovaikutusten arviointi #{tia} ({completed}) toteaa suojan tason riittäväksi{measures}.",
    "tia_review_overdue": "Siirtovaikutusten arviointi #{tia} ({completed}) olisi pitänyt tarkistaa {due}.",
    "scc_module_missing": "Vakiosopimuslausekkeiden moduulia ei ole kirjattu; siirto {exporter} {importer} edellyttää moduulia {fitting}.",
    "scc_module_mismatch": "Moduuli {module} ei sovi tähän siirtoon (oikea moduuli: {fitting}).",
    "legacy_scc_roles_mismatch": "”{mechanism}” ei kata siirtoa {exporter} {importer}.",
    "legacy_scc_transition_period": "”{mechanism}” on kumottu; tämän {signed} allekirjoitetun sopimuksen katsotaan tarjoavan riittävät suojatoimet {until} asti, jos käsittely ei ole muuttunut.",
    "bcr_not_approved": "Sitoville yrityssäännöille ei ole kirjattu valvontaviranomaisen hyväksyntää.",
    "bcr_importer_outside_group": "Vastaanottaja ei kuulu sitovien yrityssääntöjen sitomaan konserniin, joten säännöt eivät kata siirtoa.",
    "bcr_group_unknown": "Kirjaa, kuuluuko vastaanottaja sitovien yrityssääntöjen sitomaan konserniin; säännöt kattavat vain konsernin sisäiset siirrot.",
    "bcr_type_unknown": "Kirjaa sitovien yrityssääntöjen tyyppi: tähän siirtoon tarvitaan {needed}.",
    "bcr_type_mismatch": "Sitovat yrityssäännöt ovat väärää tyyppiä: tähän siirtoon tarvitaan {needed}.",
    "bcr_no_type_fits": "Mitkään sitovat yrityssäännöt eivät kata tätä siirtoa: tiedot kuuluvat konsernin ulkopuoliselle rekisterinpitäjälle, ja käsittelijää koskevat säännöt (BCR-P) kattavat ne vain, kun konserniin kuuluvat yhtiöt käsittelevät niitä käsittelijöinä tai alikäsittelijöinä, eivät silloin, kun vastaanottaja saa ne rekisterinpitäjänä.",
    "bcr_approved": "Sitovat yrityssäännöt on hyväksytty ({ref_no}).",
    "art46_tool_not_approved": "Hyväksynnästä (”{mechanism}”) ei ole kirjattu näyttöä (hyväksynnän tunniste ja vastaanottajan sitova sitoumus).",
    "art46_tool_in_place": "Siirtoperuste ”{mechanism}” (hyväksyntä {ref_no}).",
    "ad_hoc_authorisation_required": "Tapauskohtaiset sopimuslausekkeet ovat päteviä vain valvontaviranomaisen luvalla; kirjaa luvan tunniste siirron tietoihin.",
    "ad_hoc_authorised": "Valvontaviranomaisen lupa tapauskohtaisille sopimuslausekkeille on kirjattu ({ref_no}).",
    "fallback_ready_agreement": "Varaperuste valmiina: ”{fallback}” kattaisi siirron, jos ”{mechanism}” kaatuisi. Siirrolle ei ole kirjattu moduulia; sopimus #{agreement}, allekirjoitettu {signed}, on voimassa moduulille {module}, jota osapuolten roolit edellyttävät.",
    "not_eu_tool_agreement": "”{mechanism}” ei ole EU:n tietosuoja-asetuksen mukainen siirtoväline; sopimus #{agreement} on näyttöä vain Yhdistyneen kuningaskunnan tietosuoja-asetuksen mukaisesta siirrosta, ja tämä EU:sta tehtävä siirto tarvitsee V luvun mukaisen siirtoperusteen.",
    "subprocessor_contract_not_in_force": "Alikäsittelijää {vendor} ei sido {as_of} voimassa oleva alikäsittelysopimus (28 artiklan 4 kohta): rekisterissä on vain {agreements}.",
    "transfer_not_recorded": "{vendor} on sijoittautunut EU:n/ETA:n ulkopuolelle ({country}) ja käsittelee tietojamme, mutta siirtoa kohteeseen {country} ei ole kirjattu (tietojen tallentaminen sinne tai etäkäyttö sieltä on siirto); kirjaa siirto ja sen siirtoperuste.",
    "derogation_foreign_order": "Poikkeus ”{mechanism}” ei kata kolmannen maan tuomioistuimen tai viranomaisen määräämää luovutusta: yleisen edun on perustuttava unionin tai jäsenvaltion lainsäädäntöön. Tällainen määräys voidaan tunnustaa vain kansainvälisen sopimuksen perusteella (48 artikla).",
    "derogation_systematic": "Poikkeus ”{mechanism}” ei voi kattaa järjestelmällisiä tai toistuvia siirtoja.",
    "derogation_occasional": "Poikkeus ”{mechanism}” voi kattaa tämän satunnaisen siirron vain, jos sen omat edellytykset täyttyvät; kirjaa, miten ne täyttyvät.",
    "derogation_frequency_unknown": "Kirjaa, onko siirto satunnainen: poikkeus ”{mechanism}” voi kattaa vain satunnaisia siirtoja.",
    "compelling_interests_condition_missing": "Poikkeus ”{mechanism}” ei ole käytettävissä: {conditions}.",
    "compelling_interests_conditions_met": "Poikkeuksen ”{mechanism}” kirjatut edellytykset täyttyvät; siirto on lainmukainen vain, jos pakottavat oikeutetut edut, arviointi ja suojatoimet on kirjattu selosteeseen käsittelytoimista (49 artiklan 6 kohta).",
    "foreign_order_no_agreement": "Kolmannen maan tuomioistuimen tai viranomaisen määräämä luovutus voidaan tunnustaa vain kansainvälisen sopimuksen, kuten oikeusapusopimuksen, perusteella, eikä sellaista ole kirjattu siirrolle.",
    "foreign_order_agreement": "Luovutus perustuu sopimukseen {agreement}; tarkista, että se kattaa tämän pyynnön, ja dokumentoi pyyntö ja luovutetut tiedot.",
    "not_eu_tool": "”{mechanism}” ei ole EU:n tietosuoja-asetuksen mukainen siirtoväline.",
    "vendor_suspended": "Toimittajan {vendor} käyttö on keskeytetty.",
    "vendor_offboarded": "Yhteistyö toimittajan {vendor} kanssa on päättynyt.",
    "vendor_not_approved": "Toimittajaa {vendor} ei ole vielä hyväksytty.",
    "vendor_status_unknown": "Toimittajan tila on tuntematon.",
    "subprocessor_flow_down": "{vendor} toimii käsittelijämme alikäsittelijänä sen kanssamme tekemän sopimuksen nojalla; sopimus hyväksyy sen ja sitoo sen samoihin velvoitteisiin.",
    "subprocessor_not_authorised": "Toimittajaa {vendor} käyttävän käsittelijän sopimus ei hyväksy sitä alikäsittelijäksi.",
    "subprocessor_authorisation_unknown": "Kirjaa, hyväksyykö toimittajaa {vendor} käyttävän käsittelijän sopimus sen alikäsittelijäksi.",
    "dpa_missing": "Toimittajan {vendor} kanssa ei ole voimassa allekirjoitettua 28 artiklan mukaista sopimusta {as_of}.",
    "transfer_unlawful": "Siirto #{transfer} ({country}, ”{mechanism}”) on {verdict}: {nested}",
    "transfer_at_risk": "Siirto #{transfer} ({country}, ”{mechanism}”) on {verdict}: {nested}",
    "subprocessor_cycle": "Alikäsittelijä (tunniste {child}) on alikäsittelijäketjun silmukassa.",
    "subprocessor_unknown": "Alikäsittelijää (tunniste {child}) ei ole arvioitu.",
    "subprocessor_blocked": "Alikäsittelijä {child_name} on estetty: {nested}",
    "subprocessor_conditional": "Alikäsittelijä {child_name} on hyväksytty vain ehdoin.",
    "subprocessor_conditional_because": "Alikäsittelijä {child_name} on hyväksytty vain ehdoin: {nested}",
    "intake_conditions_open": (
        "Hyväksytty ehdoin: {open} hankintapyynnön ehtoa on vielä täyttämättä "
        "(pyyntö {intake_ids})."
    ),
}


def negotiate(lang: str | None, accept_language: str | None, default: str = "en") -> str:
    """The language of an answer: ``?lang=`` when given, else the supported language the
    ``Accept-Language`` header ranks highest (RFC 9110 §12.5.4 quality values), else
    ``default``."""
    if lang in LANGUAGES:
        return lang
    best, best_q = default, 0.0
    for part in (accept_language or "").split(","):
        pieces = part.strip().split(";")
        code = pieces[0].strip().lower().split("-")[0]
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best


_UNCONFIRMED: Final = {
    "en": " (Unconfirmed: the law relied on here is not confirmed in an official source.)",
    "fi": " (Vahvistamaton: tässä sovellettua oikeusohjetta ei ole vahvistettu virallisesta "
    "lähteestä.)",
}


def reason_text(reason: Reason, language: str) -> str:
    """``reason`` as a sentence in ``language`` ("en" or "fi"). A reason resting on a fact the
    reference marks unconfirmed (confidence U) says so: it is never shown as settled law."""
    text = _text(reason, language)
    if reason.confidence == "U":
        return text + _UNCONFIRMED["fi" if language == "fi" else "en"]
    return text


def _text(reason: Reason, language: str) -> str:
    if language != "fi":
        return reason.message
    template = _template(reason)
    if template is None:
        return reason.message
    values = {name: _fi(name, value) for name, value in reason.params.items()}
    if reason.key == "tia_completed":
        values["measures"] = (
            " täydentävin toimenpitein" if reason.params.get("conclusion") != "adequate" else ""
        )
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return reason.message


def _template(reason: Reason) -> str | None:
    if reason.key == "transfer_ended":
        return _ENDED_FI.get(str(reason.params.get("verdict")))
    return FI.get(reason.key or reason.code)


def _fi(name: str, value: object) -> str:
    if value is None:
        return "ei kirjattu"
    if isinstance(value, date):
        return f"{value.day}.{value.month}.{value.year}"
    if isinstance(value, tuple):
        if not any(isinstance(r, Reason) for r in value):
            return ", ".join(map(str, value))  # ids, e.g. intake requests
        return " ".join(reason_text(r, "fi") for r in value if isinstance(r, Reason))
    text = str(value)
    if name in ("mechanism", "fallback", "framework"):
        mechanism = load_reference().mechanism(text)
        return mechanism.name_fi if mechanism is not None else text
    if name == "country":
        return country_name(text, "fi")
    if name == "verdict":
        return _VERDICTS_FI.get(text, text)
    if name == "exporter":
        return _FROM_ROLE_FI.get(text, text)
    if name == "importer":
        return _TO_ROLE_FI.get(text, text)
    if name == "needed":
        return _BCR_FI.get(text, text)
    if name == "conditions":
        return "; ".join(_CONDITIONS_FI.get(c, c) for c in text.split(","))
    if name == "hr":
        return text.replace("_", " ")
    return text


def country_name(code: str, language: str) -> str:
    """A country's canonical name (``reference/data/country_names.toml``): the one lexicon that
    reasons, documents, pages and exports share, so a country is named alike everywhere."""
    return names.country_name(code, language)


# -- reminder titles ----------------------------------------------------------------------------

DEADLINE_TITLES: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "agreement_renews": "{contract} with {vendor} renews on {on}",
        "agreement_ends": "{contract} with {vendor} ends on {on}",
        "notice_deadline": "Last day to give notice on the {contract} with {vendor} before it renews on {on}",
        "assessment_review": "Re-evaluate the TIA for transfer {transfer} ({vendor})",
        "dpf_reverification": "Re-verify {vendor} on the Data Privacy Framework List",
        "legal_adequacy": "Adequacy decision ({countries}) expires unless extended (transfer {transfer} to {country}, {vendor})",
        "legal_mechanism": "{mechanism} can no longer be relied on (transfer {transfer} to {country}, {vendor})",
        "subprocessor_objection": "Objection window for {subprocessor} as subprocessor of {vendor} closes",
        "notice_consent": "Consent to or refuse {vendor}'s sub-processor change: {subprocessor} {change}",
        "notice_object": "Object to or accept {vendor}'s sub-processor change: {subprocessor} {change}",
        "intake_condition": "Condition {number} of the approval of {vendor}: {text}",
        "customer_objection_closes": "{customer}'s objection period for {subprocessor} closes",
        "customer_consent_needed": "{customer} must consent to {subprocessor} before it takes effect",
        "customer_objection_open": "Resolve {customer}'s objection to {subprocessor}",
    },
    "fi": {
        "agreement_renews": "{contract} ({vendor}) uusiutuu {on}",
        "agreement_ends": "{contract} ({vendor}) päättyy {on}",
        "notice_deadline": "Viimeinen päivä irtisanoa {contract} ({vendor}) ennen kuin se uusiutuu {on}",
        "assessment_review": "Arvioi siirron {transfer} siirtovaikutukset uudelleen ({vendor})",
        "dpf_reverification": "Tarkista, että {vendor} on yhä DPF-listalla",
        "legal_adequacy": "Riittävyyspäätös ({countries}) päättyy, ellei sitä jatketa (siirto {transfer}, {country}, {vendor})",
        "legal_mechanism": "Siirtoperusteeseen ”{mechanism}” ei voi enää vedota (siirto {transfer}, {country}, {vendor})",
        "subprocessor_objection": "Vastustamisaika päättyy: {subprocessor} toimittajan {vendor} alikäsittelijänä",
        "notice_consent": "Hyväksy tai kiellä toimittajan {vendor} alikäsittelijämuutos: {subprocessor} {change}",
        "notice_object": "Vastusta tai hyväksy toimittajan {vendor} alikäsittelijämuutos: {subprocessor} {change}",
        "intake_condition": "Toimittajan {vendor} hyväksynnän ehto {number}: {text}",
        "customer_objection_closes": "Asiakkaan {customer} vastustamisaika päättyy: {subprocessor}",
        "customer_consent_needed": "Asiakkaan {customer} suostumus tarvitaan ennen muutosta: {subprocessor}",
        "customer_objection_open": "Ratkaise asiakkaan {customer} vastustus: {subprocessor}",
    },
}


def deadline_title(
    key: str, params: Iterable[tuple[str, object]], language: str, fallback: str
) -> str:
    """A reminder's title in ``language`` from its key and parameters (codes, dates, names);
    ``fallback`` (the English title) if the key is unknown."""
    from transfers.reference import lexicon

    lang = "fi" if language == "fi" else "en"
    template = DEADLINE_TITLES[lang].get(key)
    if template is None:
        return fallback
    values: dict[str, str] = {}
    for name, value in params:
        if isinstance(value, date):
            values[name] = lexicon.day(value, lang)
        elif name == "contract":
            values[name] = lexicon.name("agreement_kind", str(value), lang)
        elif name == "mechanism":
            values[name] = lexicon.mechanism(str(value), lang)
        elif name == "country":
            values[name] = lexicon.country(str(value), lang)
        elif name == "countries":
            values[name] = ", ".join(lexicon.country(c, lang) for c in str(value).split(","))
        elif name == "change":
            values[name] = lexicon.name("notice_change", str(value), lang)
        else:
            values[name] = str(value)
    if lang == "en" and "contract" in values and key != "notice_deadline":
        values["contract"] = values["contract"][:1].upper() + values["contract"][1:]
    try:
        text = template.format(**values)
    except (KeyError, IndexError, ValueError):
        return fallback
    return text[:1].upper() + text[1:]


_DOCUMENT_EN: Final[Mapping[str, str]] = {
    "contract_in_place": "{mechanism}{module}: the agreement was signed on {signed}.",
    "agreement_draft": "The agreement is a draft, not signed.",
    "agreement_terminated": "The agreement was terminated; its last day was {terminated}.",
    "agreement_not_yet_signed": "The agreement is signed only on {signed}.",
    "agreement_not_yet_effective": "The agreement takes effect only on {effective}.",
    "agreement_expired": "The agreement ended on {ends}.",
    "agreement_wrong_module": "The agreement is for module {module}, not module {wanted}.",
    "tia_completed": "The transfer impact assessment of {completed} concludes that protection is adequate{measures}.",
    "tia_not_adequate": "The transfer impact assessment of {completed} concludes that no effective safeguards are possible; the transfer is to be suspended.",
    "tia_conclusion_missing": "The transfer impact assessment of {completed} has no recognised conclusion.",
    "tia_review_overdue": "The transfer impact assessment of {completed} was due for review on {due}.",
    "fallback_ready_agreement": "Fallback ready: {fallback} would cover the transfer if {mechanism} fell; the agreement signed on {signed} is in force for module {module}, the module the roles imply.",
}
"""Sentences a document prints for the reasons whose screen sentence names a register id
("agreement #5"): a document names no internal id (issue 27)."""

_IDS: Final = (" #{agreement}", " #{tia}", " #{transfer}")


def document_reason_text(reason: Reason, language: str) -> str:
    """``reason`` as a document prints it: the sentence of :func:`reason_text` without the
    register's internal ids, dates as the language writes them."""
    key = reason.key or reason.code
    if language == "fi":
        template = _template(reason)
        if template is None:
            return reason_text(reason, "fi")
        for marker in _IDS:
            template = template.replace(marker, "")
        values = {name: _fi(name, value) for name, value in reason.params.items()}
        if key == "tia_completed":
            values["measures"] = (
                " täydentävin toimenpitein" if reason.params.get("conclusion") != "adequate" else ""
            )
    else:
        found = _DOCUMENT_EN.get(key)
        if found is None:
            return reason_text(reason, "en")
        template = found
        values = {name: _en(name, value) for name, value in reason.params.items()}
        module = reason.params.get("module")
        values["module"] = (
            f", module {module}" if module and key == "contract_in_place" else (str(module or ""))
        )
        if key == "tia_completed":
            values["measures"] = (
                " with supplementary measures"
                if reason.params.get("conclusion") != "adequate"
                else ""
            )
    try:
        text = template.format(**values)
    except (KeyError, IndexError, ValueError):
        return reason_text(reason, language)
    if reason.confidence == "U":
        text += _UNCONFIRMED["fi" if language == "fi" else "en"]
    return text


def _en(name: str, value: object) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, date):
        return format_date(value, format="long", locale="en_GB")
    if name in ("mechanism", "fallback", "framework"):
        mechanism = load_reference().mechanism(str(value))
        return mechanism.name if mechanism is not None else str(value)
    return str(value)
