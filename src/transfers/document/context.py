"""Build the context of each document kind from plain register data, in English or Finnish.

Input is plain data (frozen dataclasses, no ORM objects); output is a dict of strings, lists of
row dicts and, where documented, integers (see :mod:`transfers.document.kinds`). Never ``None``:
what is optional gets a stated default, and what a document cannot do without raises
:class:`MissingDataError` listing exactly what is missing ("processing.data_categories",
"organisation.business_id"), so no document is ever produced with holes.

Everything that depends on the language (mechanism names, roles, frequencies, verdicts, plain
language safeguards, dates, periods) lives here in one label table per language, not in the
templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import pycountry
from babel.numbers import format_percent

from transfers.assessment.risk import Scenario, overall_probability
from transfers.document.kinds import KINDS, LANGUAGES
from transfers.reference import load_reference
from transfers.reference.names import country_name as _country_name
from transfers.reference.names import term as term
from transfers.reference.names import tia_country_law, vocabulary
from transfers.rules.calendar import review_due

if TYPE_CHECKING:
    from transfers.settings import Settings

T = TypeVar("T")


class MissingDataError(ValueError):
    """The register lacks data a document needs; ``missing`` names each item, in order."""

    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__("missing data: " + ", ".join(missing))
        self.missing = list(missing)


# --- Labels ----------------------------------------------------------------------------------

BABEL_LOCALES: Mapping[str, str] = {"en": "en_GB", "fi": "fi_FI"}

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "controller": "controller",
        "processor": "processor",
        "subprocessor": "sub-processor",
        "joint_controller": "joint controller",
        "occasional": "occasional",
        "systematic": "continuous",
        "unknown": "not specified",
        "yes": "yes",
        "no": "none",
        "lawful": "lawful",
        "at_risk": "lawful with open conditions",
        "lawful_with_conditions": "lawful with open conditions",
        "unlawful": "unlawful",
        "adequate": "adequate",
        "adequate_with_measures": "adequate with supplementary measures",
        "not_adequate": "not adequate",
        "storage": "storage",
        "remote_access": "remote access",
        "onward_transfer": "onward transfer",
        "from_signature": "the date of the last signature",
        "duration_open": "from {start} until the agreement ends",
        "duration_fixed": "from {start} until {end}",
        "term_start": "This agreement is in force from {start}.",
        "term_end": "The current term ends on {end}.",
        "term_open": "It remains in force until terminated.",
        "initial_term": "The initial term is {period}.",
        "renews": "It renews automatically for further periods of {period}",
        "renews_same": "It renews automatically for further periods of the same length",
        "renews_notice": " unless either party gives notice at least {notice} before the end of the current term.",
        "no_renewal": "It does not renew automatically.",
        "notice": "The notice period is {notice}.",
        "specific": "The Processor shall not engage another processor without the Controller's prior specific written authorisation (GDPR Art. 28(2)); the sub-processors authorised on signature are listed in Annex III.",
        "general": "The Controller gives general written authorisation to the sub-processors listed in Annex III (GDPR Art. 28(2)); the Processor informs the Controller of any intended addition or replacement at least {days} in advance, giving the Controller the opportunity to object.",
        "no_subprocessors": "No sub-processors are authorised.",
        "subprocessors": "The {n} sub-processors listed below are authorised.",
        "subprocessors_one": "One (1) sub-processor is authorised; it is listed below.",
        "module": "Module {m} (transfer {direction})",
        "module_1": "controller to controller",
        "module_2": "controller to processor",
        "module_3": "processor to processor",
        "module_4": "processor to controller",
        "scc_duration": "for the duration of the contract with the data importer; the data are deleted or returned at its end (Clause 8.5)",
        "annex_iii_23": "The controller has authorised the use of the following sub-processors (Clause 9(a)):",
        "annex_iii_other": "Annex III applies only to Modules 2 and 3; it does not apply to this transfer.",
        "retention_default": "for the duration of the services; the data are deleted or returned at their end (GDPR Art. 28(3)(g))",
        "changes": "Changes since {since}: {n}.",
        "changes_one": "One (1) change since {since}.",
        "no_changes": "No changes since {since}.",
        "added": "added",
        "removed": "removed",
        "changed": "changed",
        "whole_register": "all services we provide to customers as their processor",
        "not_documented": "not documented",
        "no_art49": "not applicable",
        "art49_not_required": "not required (Art. 49(6) applies to the second subparagraph)",
        "none_recorded": "none recorded",
        "no_measures": "none: the assessment found the transfer tool effective without them",
        "review_default": "{date} ({period} after the assessment; no earlier date was set)",
        "eea": "EU/EEA (no transfer)",
        "received_from": "no transfer of its own: receives the data from {parent} in {country}",
        "no_transfer_recorded": "no transfer recorded",
        "added_planned": "to be added",
        "removed_planned": "to be removed",
        "objection": "You may object to an intended addition or replacement of a sub-processor within {days} of its announcement in this list; the objection period and its effects are set out in your data processing agreement with us.",
        "we_controller": "{org} (controller)",
        "id_fi": "business ID",
        "risk_method": "For each scenario of access by a public authority of the destination country, the assessor estimates over the assessment period the probability that an authority requests these data from the importer, that the importer is compelled to disclose them, and that the supplementary measures fail to keep them unintelligible. A scenario leads to disclosure only if all three occur, so its probability is their product; treating the scenarios as independent, the probability that at least one occurs is 1 − ∏(1 − p).",
        "risk_result": "Computed probability of disclosure over {years}: {p}.",
        "risk_none": "No scenario estimates are recorded; the conclusion rests on the reasoning below.",
        "measures_general": "Security of processing (general)",
        "assistance_missing": "not documented in the register: to be agreed before signature",
        "access_remote": "remote access (the importer reaches the data held in the EU/EEA)",
        "access_stored": "storage (the importer stores the data)",
        "access_onward": "onward transfer (the importer receives the data from the exporter named above)",
        "no_onward": "none recorded",
        "not_signed_off": "not signed off",
        "review_overdue": "{date} – OVERDUE: this review date has passed; re-assess before relying on this assessment",
        "c7": "Clause 7 – Docking clause",
        "c7_yes": "included: further parties may accede with the agreement of all parties",
        "c7_no": "not included",
        "c9": "Clause 9(a) – Use of sub-processors",
        "c9_general": "Option 2, general written authorisation: the data importer informs the data exporter of intended changes at least {days} in advance",
        "c9_specific": "Option 1, specific prior authorisation: the data importer submits the request at least {days} in advance",
        "c11": "Clause 11(a) – Redress",
        "c11_yes": "the optional independent dispute resolution body is offered: {body}",
        "c11_no": "the optional independent dispute resolution body is not used",
        "c13": "Clause 13 – Supervision",
        "c17": "Clause 17 – Governing law",
        "c17_text": "the law of {country}",
        "c17_option1": "Option 1: {law}",
        "c17_option2": "Option 2: the law of the EU Member State in which the data exporter is established; where it does not allow for third-party beneficiary rights, {law}",
        "contract": "These annexes form part of the agreement “{title}” signed on {signed}, which incorporates the standard contractual clauses of Commission Implementing Decision (EU) 2021/914, {module}.",
        "contract_untitled": "These annexes form part of the agreement signed on {signed}, which incorporates the standard contractual clauses of Commission Implementing Decision (EU) 2021/914, {module}.",
        "contract_fallback": " The transfer relies on {mechanism}; these clauses are its fallback, applied if that ceases to cover it.",
        "none": "None.",
        "contract_unsigned": "These annexes are for the standard contractual clauses of Commission Implementing Decision (EU) 2021/914, {module}, to be signed by the parties.",
        "c18": "Clause 18 – Choice of forum and jurisdiction",
        "c18_text": "the courts of {country}",
        "not_started": "not yet active: the transfer is recorded to start on {start}, so no verdict on its lawfulness is given",
        "inactive": "not active on this date",
        "id_other": "registration number",
        "trading_as": " (trading as {name})",
        "fallback": "; fallback: {mechanism}",
        "dpa_transfers": "The personal data are transferred outside the EU/EEA only to the importers below, by the Processor or by the sub-processor that engages the importer, each with the safeguard stated:",
        "dpa_transfers_sub": "The personal data are transferred outside the EU/EEA only to the importers below, by the Sub-processor or by the further sub-processor that engages the importer, each with the safeguard stated:",
        "tier_direct": "direct",
        "tier_via": "via {parent}",
        "tier_sub": "sub-processor",
        "tier_further": "further sub-processor, via {parent}",
        "tier_party": "the Processor",
        "module_short": "Module {m}",
        "tia_label": "transfer impact assessment",
        "tia_on": "assessed on {date}",
        "tia_none": "none recorded",
        "tia_not_needed": "not required",
        "signature_blank": "______________________________",
        "changes_heading": "Changes since {since}",
        "previous_version": "the previous version of this list ({date})",
        "field_legal_name": "legal entity",
        "field_name": "name",
        "field_address": "address",
        "field_country": "country",
        "field_purpose": "processing",
        "field_mechanism": "safeguard",
        "field_tier": "tier",
        "field_parent": "engaged by",
        "dpa_no_transfers": "No transfer of the personal data outside the EU/EEA by the Processor is agreed; any such transfer requires the Controller's prior written instruction.",
        "no_fallback": "none agreed",
        "breach_deadline": "without undue delay and in any event within {hours} hours after becoming aware of it",
        "article_9": "special categories of personal data (Art. 9)",
        "article_10": "personal data relating to criminal convictions and offences (Art. 10)",
        "destinations": "As of {date}, {org} transfers personal data to the countries below, outside the European Union and the European Economic Area, only with the safeguards shown.",
        "no_destinations": "As of {date}, {org} does not transfer personal data outside the European Union and the European Economic Area.",
        "authority_fi": "Office of the Data Protection Ombudsman (Tietosuojavaltuutetun toimisto), PL 800, 00531 Helsinki, Finland",
        "no_safeguard": "no transfer mechanism",
        "invalid_since": "not a valid safeguard since {date}",
        "not_covered": "not a valid safeguard for this transfer: {reason}",
        "onward_by": "{recipient} (onward transfer made by our sub-processor {vendor})",
    },
    "fi": {
        "controller": "rekisterinpitäjä",
        "processor": "käsittelijä",
        "subprocessor": "alikäsittelijä",
        "joint_controller": "yhteisrekisterinpitäjä",
        "occasional": "satunnainen",
        "systematic": "jatkuva",
        "unknown": "ei määritelty",
        "yes": "kyllä",
        "no": "ei",
        "lawful": "lainmukainen",
        "at_risk": "lainmukainen, avoimia ehtoja",
        "lawful_with_conditions": "lainmukainen, avoimia ehtoja",
        "unlawful": "lainvastainen",
        "adequate": "riittävä",
        "adequate_with_measures": "riittävä täydentävin toimenpitein",
        "not_adequate": "ei riittävä",
        "storage": "tallennus",
        "remote_access": "etäkäyttö",
        "onward_transfer": "edelleensiirto",
        "from_signature": "viimeisen allekirjoituksen päivästä",
        "duration_open": "{start} alkaen sopimuksen päättymiseen saakka",
        "duration_fixed": "{start} alkaen {end} saakka",
        "term_start": "Sopimus on voimassa {start} alkaen.",
        "term_end": "Nykyinen sopimuskausi päättyy {end}.",
        "term_open": "Sopimus on voimassa toistaiseksi.",
        "initial_term": "Ensimmäinen sopimuskausi on {period}.",
        "renews": "Sopimus jatkuu automaattisesti uudella sopimuskaudella, jonka pituus on {period}",
        "renews_same": "Sopimus jatkuu automaattisesti samanpituisella sopimuskaudella",
        "renews_notice": ", ellei kumpikaan osapuoli irtisano sitä viimeistään {notice} ennen sopimuskauden päättymistä.",
        "no_renewal": "Sopimus ei jatku automaattisesti.",
        "notice": "Irtisanomisaika on {notice}.",
        "specific": "Käsittelijä ei saa käyttää toista käsittelijää (alikäsittelijää) ilman Rekisterinpitäjän ennakkoon antamaa erityistä kirjallista lupaa (tietosuoja-asetuksen 28 artiklan 2 kohta); allekirjoitushetkellä hyväksytyt alikäsittelijät luetellaan liitteessä III.",
        "general": "Rekisterinpitäjä antaa yleisen kirjallisen luvan liitteessä III lueteltujen alikäsittelijöiden käyttöön (tietosuoja-asetuksen 28 artiklan 2 kohta); Käsittelijä ilmoittaa Rekisterinpitäjälle aiotuista lisäyksistä tai vaihdoista vähintään {days} etukäteen, jotta Rekisterinpitäjä voi vastustaa muutosta.",
        "no_subprocessors": "Alikäsittelijöitä ei ole hyväksytty.",
        "subprocessors": "Hyväksyttyjä alikäsittelijöitä on {n}, ja ne luetellaan alla.",
        "subprocessors_one": "Hyväksyttyjä alikäsittelijöitä on yksi (1), ja se mainitaan alla.",
        "module": "moduuli {m} (siirto {direction})",
        "module_1": "rekisterinpitäjältä rekisterinpitäjälle",
        "module_2": "rekisterinpitäjältä käsittelijälle",
        "module_3": "käsittelijältä käsittelijälle",
        "module_4": "käsittelijältä rekisterinpitäjälle",
        "scc_duration": "tietojen tuojan kanssa tehdyn sopimuksen voimassaolon ajan; tiedot poistetaan tai palautetaan sen päätyttyä (lauseke 8.5)",
        "annex_iii_23": "Rekisterinpitäjä on hyväksynyt seuraavien alikäsittelijöiden käytön (lausekkeen 9 a alakohta):",
        "annex_iii_other": "Liite III koskee vain moduuleja 2 ja 3; se ei koske tätä siirtoa.",
        "retention_default": "palvelujen keston ajan; tiedot poistetaan tai palautetaan palvelujen päätyttyä (tietosuoja-asetuksen 28 artiklan 3 kohdan g alakohta)",
        "changes": "Muutoksia on {since} jälkeen {n}.",
        "changes_one": "Muutoksia on {since} jälkeen yksi (1).",
        "no_changes": "Ei muutoksia {since} jälkeen.",
        "added": "lisätty",
        "removed": "poistettu",
        "changed": "muutettu",
        "whole_register": "kaikki palvelut, joissa käsittelemme henkilötietoja asiakkaidemme lukuun",
        "not_documented": "ei dokumentoitu",
        "no_art49": "ei sovellu",
        "art49_not_required": "ei edellytetä (49 artiklan 6 kohta koskee 1 kohdan toista alakohtaa)",
        "none_recorded": "ei kirjattu",
        "no_measures": "ei tarpeen: arvioinnin mukaan siirtoperuste on tehokas ilman niitä",
        "review_default": "{date} ({period} arvioinnista; aikaisempaa päivää ei ole asetettu)",
        "eea": "EU/ETA (ei siirtoa)",
        "received_from": "ei omaa siirtoa: saa tiedot alikäsittelijältä {parent} ({country})",
        "no_transfer_recorded": "siirtoa ei ole kirjattu",
        "added_planned": "lisätään",
        "removed_planned": "poistetaan",
        "objection": "Voitte vastustaa alikäsittelijän lisäämistä tai vaihtamista; vastustamisaika on {days} siitä, kun muutoksesta on ilmoitettu tässä luettelossa; vastustamisoikeudesta ja sen vaikutuksista sovitaan kanssamme tehdyssä henkilötietojen käsittelysopimuksessa.",
        "we_controller": "{org} (rekisterinpitäjä)",
        "id_fi": "Y-tunnus",
        "risk_method": "Arvioija arvioi kunkin kohdemaan viranomaisen tiedonsaantiskenaarion osalta arviointijakson ajalta todennäköisyyden sille, että viranomainen pyytää näitä tietoja tietojen tuojalta, että tuoja velvoitetaan luovuttamaan ne ja että täydentävät toimenpiteet eivät pidä tietoja käsittämättöminä. Skenaario johtaa tietojen luovuttamiseen vain, jos kaikki kolme toteutuvat, joten sen todennäköisyys on näiden tulo; kun skenaarioita pidetään toisistaan riippumattomina, todennäköisyys sille, että ainakin yksi toteutuu, on 1 − ∏(1 − p).",
        "risk_result": "Laskettu luovuttamisen todennäköisyys ajanjaksolla {years}: {p}.",
        "risk_none": "Skenaariokohtaisia arvioita ei ole kirjattu; johtopäätös perustuu alla esitettyihin perusteluihin.",
        "measures_general": "Käsittelyn turvallisuus (yleiset toimenpiteet)",
        "assistance_missing": "ei kirjattu rekisteriin: sovittava ennen allekirjoitusta",
        "access_remote": "etäkäyttö (tietojen tuoja käyttää EU:ssa/ETA:ssa säilytettäviä tietoja)",
        "access_stored": "tallennus (tietojen tuoja säilyttää tiedot)",
        "access_onward": "edelleensiirto (tietojen tuoja saa tiedot edellä mainitulta tietojen viejältä)",
        "no_onward": "ei kirjattu",
        "not_signed_off": "ei hyväksytty",
        "review_overdue": "{date} – MYÖHÄSSÄ: uudelleenarvioinnin päivä on ohitettu; arvioi siirto uudelleen ennen kuin nojaudut tähän arviointiin",
        "c7": "Lauseke 7 – Liittymislauseke",
        "c7_yes": "sisältyy: uusia osapuolia voi liittyä kaikkien osapuolten suostumuksella",
        "c7_no": "ei sisälly",
        "c9": "Lauseke 9 a – Alikäsittelijöiden käyttö",
        "c9_general": "vaihtoehto 2, yleinen kirjallinen lupa: tietojen tuoja ilmoittaa aiotuista muutoksista tietojen viejälle vähintään {days} etukäteen",
        "c9_specific": "vaihtoehto 1, erityinen ennakkolupa: tietojen tuoja esittää pyynnön vähintään {days} etukäteen",
        "c11": "Lauseke 11 a – Oikeussuojakeinot",
        "c11_yes": "rekisteröidyille tarjotaan valinnainen riippumaton riidanratkaisuelin: {body}",
        "c11_no": "valinnaista riippumatonta riidanratkaisuelintä ei käytetä",
        "c13": "Lauseke 13 – Valvonta",
        "c17": "Lauseke 17 – Sovellettava laki",
        "c17_text": "jäsenvaltion laki: {country}",
        "c17_option1": "vaihtoehto 1: {law}",
        "c17_option2": "vaihtoehto 2: sen EU:n jäsenvaltion laki, johon tietojen viejä on sijoittautunut; jos se ei salli kolmannen osapuolen edunsaajan oikeuksia, {law}",
        "contract": "Nämä liitteet ovat osa sopimusta ”{title}”, joka on allekirjoitettu {signed} ja johon sisältyvät komission täytäntöönpanopäätöksen (EU) 2021/914 vakiosopimuslausekkeet, {module}.",
        "contract_untitled": "Nämä liitteet ovat osa {signed} allekirjoitettua sopimusta, johon sisältyvät komission täytäntöönpanopäätöksen (EU) 2021/914 vakiosopimuslausekkeet, {module}.",
        "contract_fallback": " Siirto perustuu ensisijaisesti siirtoperusteeseen ”{mechanism}”; nämä lausekkeet ovat sen varaperuste, jota sovelletaan, jos ensisijainen peruste lakkaa kattamasta siirron.",
        "none": "Ei ole.",
        "contract_unsigned": "Nämä liitteet koskevat komission täytäntöönpanopäätöksen (EU) 2021/914 vakiosopimuslausekkeita, {module}, jotka osapuolet allekirjoittavat.",
        "c18": "Lauseke 18 – Oikeuspaikka ja toimivaltainen tuomioistuin",
        "c18_text": "jäsenvaltion tuomioistuimet: {country}",
        "not_started": "ei vielä alkanut: siirron on kirjattu alkavan {start}, joten sen lainmukaisuutta ei arvioida",
        "inactive": "ei käytössä tänä päivänä",
        "id_other": "rekisteritunnus",
        "trading_as": " (markkinointinimi {name})",
        "fallback": "; varalla: {mechanism}",
        "dpa_transfers": "Henkilötietoja siirretään EU/ETA-alueen ulkopuolelle vain alla luetelluille vastaanottajille, ja siirron tekee Käsittelijä tai vastaanottajan käyttöön ottanut alikäsittelijä kulloinkin mainitulla suojatoimella:",
        "dpa_transfers_sub": "Henkilötietoja siirretään EU/ETA-alueen ulkopuolelle vain alla luetelluille vastaanottajille, ja siirron tekee Alikäsittelijä tai vastaanottajan käyttöön ottanut jatkoalikäsittelijä kulloinkin mainitulla suojatoimella:",
        "tier_direct": "suora",
        "tier_via": "{parent} -yhtiön kautta",
        "tier_sub": "alikäsittelijä",
        "tier_further": "jatkoalikäsittelijä, {parent} -yhtiön kautta",
        "tier_party": "Käsittelijä",
        "module_short": "moduuli {m}",
        "tia_label": "siirtovaikutusten arviointi",
        "tia_on": "tehty {date}",
        "tia_none": "ei kirjattu",
        "tia_not_needed": "ei edellytetä",
        "signature_blank": "______________________________",
        "changes_heading": "Muutokset {since} jälkeen",
        "previous_version": "luettelon edellisen version ({date})",
        "field_legal_name": "oikeushenkilö",
        "field_name": "nimi",
        "field_address": "osoite",
        "field_country": "maa",
        "field_purpose": "käsittely",
        "field_mechanism": "suojatoimi",
        "field_tier": "taso",
        "field_parent": "käyttöön ottanut",
        "dpa_no_transfers": "Käsittelijän tekemistä henkilötietojen siirroista EU/ETA-alueen ulkopuolelle ei ole sovittu; tällainen siirto edellyttää Rekisterinpitäjän ennakkoon antamaa kirjallista ohjetta.",
        "no_fallback": "ei sovittu",
        "breach_deadline": "ilman aiheetonta viivytystä ja joka tapauksessa {hours} tunnin kuluessa siitä, kun se on saanut loukkauksen tietoonsa",
        "article_9": "erityiset henkilötietoryhmät (9 artikla)",
        "article_10": "rikostuomioihin ja rikkomuksiin liittyvät tiedot (10 artikla)",
        "destinations": "{org} siirtää henkilötietoja Euroopan unionin ja Euroopan talousalueen ulkopuolelle vain alla lueteltuihin maihin ja vain alla mainituin suojatoimin (tilanne {date}).",
        "no_destinations": "{org} ei siirrä henkilötietoja Euroopan unionin ja Euroopan talousalueen ulkopuolelle (tilanne {date}).",
        "authority_fi": "Tietosuojavaltuutetun toimisto, PL 800, 00531 Helsinki",
        "no_safeguard": "ei siirtoperustetta",
        "invalid_since": "ei ole ollut pätevä suojatoimi {date} alkaen",
        "not_covered": "ei ole pätevä suojatoimi tälle siirrolle: {reason}",
        "onward_by": "{recipient} (edelleensiirto, jonka tekee alikäsittelijämme {vendor})",
    },
}

PERIOD_UNITS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "en": {
        "Y": ("year", "years"),
        "M": ("month", "months"),
        "W": ("week", "weeks"),
        "D": ("day", "days"),
    },
    "fi": {
        "Y": ("vuosi", "vuotta"),
        "M": ("kuukausi", "kuukautta"),
        "W": ("viikko", "viikkoa"),
        "D": ("päivä", "päivää"),
    },
}

MECHANISM_FI: Mapping[str, str] = {
    "none": "ei siirtoperustetta",
    "adequacy": "Euroopan komission tietosuojan riittävyyttä koskeva päätös (45 artikla)",
    "dpf": "EU:n ja Yhdysvaltojen välinen tietosuojakehys (Data Privacy Framework, komission päätös (EU) 2023/1795)",
    "privacy_shield": "EU:n ja Yhdysvaltojen välinen Privacy Shield -järjestely (päätös (EU) 2016/1250, mitätöity 16.7.2020)",
    "safe_harbor": "Safe Harbor -periaatteet (päätös 2000/520/EY, mitätöity 6.10.2015)",
    "scc_2021": "Euroopan komission vakiosopimuslausekkeet (päätös (EU) 2021/914)",
    "scc_2010": "vakiosopimuslausekkeet (päätös 2010/87/EU, kumottu)",
    "scc_2004": "vakiosopimuslausekkeet (päätös 2004/915/EY, kumottu)",
    "scc_2001": "vakiosopimuslausekkeet (päätös 2001/497/EY, kumottu)",
    "bcr": "yritystä koskevat sitovat säännöt (47 artikla)",
    "uk_idta": "Yhdistyneen kuningaskunnan IDTA-sopimus (ei EU:n tietosuoja-asetuksen mukainen siirtotapa)",
    "uk_addendum": "Yhdistyneen kuningaskunnan lisäys vakiosopimuslausekkeisiin (ei EU:n tietosuoja-asetuksen mukainen siirtotapa)",
    "code_of_conduct": "hyväksytyt käytännesäännöt (40 artikla ja 46 artiklan 2 kohdan e alakohta)",
    "certification": "hyväksytty sertifiointimekanismi (42 artikla ja 46 artiklan 2 kohdan f alakohta)",
    "ad_hoc_clauses": "valvontaviranomaisen hyväksymät sopimuslausekkeet (46 artiklan 3 kohdan a alakohta)",
    "derogation_49_1_a": "poikkeus: nimenomainen suostumus (49 artiklan 1 kohdan a alakohta)",
    "derogation_49_1_b": "poikkeus: rekisteröidyn kanssa tehty sopimus (49 artiklan 1 kohdan b alakohta)",
    "derogation_49_1_c": "poikkeus: rekisteröidyn edun mukainen sopimus (49 artiklan 1 kohdan c alakohta)",
    "derogation_49_1_d": "poikkeus: tärkeä yleinen etu (49 artiklan 1 kohdan d alakohta)",
    "derogation_49_1_e": "poikkeus: oikeusvaateet (49 artiklan 1 kohdan e alakohta)",
    "derogation_49_1_f": "poikkeus: elintärkeät edut (49 artiklan 1 kohdan f alakohta)",
    "derogation_49_1_g": "poikkeus: julkinen rekisteri (49 artiklan 1 kohdan g alakohta)",
    "derogation_49_1_second": "poikkeus: pakottavat oikeutetut edut (49 artiklan 1 kohdan toinen alakohta)",
}

SAFEGUARD_PLAIN: Mapping[str, Mapping[str, str]] = {
    "en": {
        "adequacy": "The European Commission has decided that the country ensures an adequate level of data protection (adequacy decision, GDPR Art. 45).",
        "dpf": "The recipient is certified under the EU-U.S. Data Privacy Framework, which the European Commission has found to ensure an adequate level of protection (Decision (EU) 2023/1795, GDPR Art. 45).",
        "scc_2021": "Standard contractual clauses adopted by the European Commission (Decision (EU) 2021/914, GDPR Art. 46(2)(c)), with supplementary measures where needed.",
        "scc_2010": "Standard contractual clauses adopted by the European Commission (Decision 2010/87/EU, GDPR Art. 46(2)(c)).",
        "scc_2004": "Standard contractual clauses adopted by the European Commission (Decision 2004/915/EC, GDPR Art. 46(2)(c)).",
        "scc_2001": "Standard contractual clauses adopted by the European Commission (Decision 2001/497/EC, GDPR Art. 46(2)(c)).",
        "bcr": "Binding corporate rules approved by a data protection authority (GDPR Art. 47).",
        "code_of_conduct": "An approved code of conduct with binding commitments of the recipient (GDPR Art. 40 and 46(2)(e)).",
        "certification": "An approved certification with binding commitments of the recipient (GDPR Art. 42 and 46(2)(f)).",
        "ad_hoc_clauses": "Contractual clauses authorised by the data protection authority (GDPR Art. 46(3)(a)).",
        "derogation_49_1_a": "No adequacy decision or appropriate safeguard applies; the transfer is based on your explicit consent (GDPR Art. 49(1)(a)).",
        "derogation_49_1_b": "No adequacy decision or appropriate safeguard applies; the transfer is necessary for the performance of your contract with us (GDPR Art. 49(1)(b)).",
        "derogation_49_1_c": "No adequacy decision or appropriate safeguard applies; the transfer is necessary for a contract concluded in your interest (GDPR Art. 49(1)(c)).",
        "derogation_49_1_d": "No adequacy decision or appropriate safeguard applies; the transfer is necessary for important reasons of public interest (GDPR Art. 49(1)(d)).",
        "derogation_49_1_e": "No adequacy decision or appropriate safeguard applies; the transfer is necessary for legal claims (GDPR Art. 49(1)(e)).",
        "derogation_49_1_f": "No adequacy decision or appropriate safeguard applies; the transfer is necessary to protect vital interests (GDPR Art. 49(1)(f)).",
        "derogation_49_1_g": "No adequacy decision or appropriate safeguard applies; the transfer is made from a public register (GDPR Art. 49(1)(g)).",
        "derogation_49_1_second": "No adequacy decision or appropriate safeguard applies; the occasional transfer is necessary for our compelling legitimate interests, with suitable safeguards (GDPR Art. 49(1), second subparagraph).",
    },
    "fi": {
        "adequacy": "Euroopan komissio on päättänyt, että maassa on riittävä tietosuojan taso (tietosuojan riittävyyttä koskeva päätös, tietosuoja-asetuksen 45 artikla).",
        "dpf": "Vastaanottaja on sertifioitu EU:n ja Yhdysvaltojen välisen tietosuojakehyksen (Data Privacy Framework) mukaisesti, ja Euroopan komissio on todennut kehyksen tietosuojan tason riittäväksi (päätös (EU) 2023/1795, tietosuoja-asetuksen 45 artikla).",
        "scc_2021": "Euroopan komission hyväksymät vakiosopimuslausekkeet (päätös (EU) 2021/914, tietosuoja-asetuksen 46 artiklan 2 kohdan c alakohta) ja tarvittaessa täydentävät suojatoimet.",
        "scc_2010": "Euroopan komission hyväksymät vakiosopimuslausekkeet (päätös 2010/87/EU, tietosuoja-asetuksen 46 artiklan 2 kohdan c alakohta).",
        "scc_2004": "Euroopan komission hyväksymät vakiosopimuslausekkeet (päätös 2004/915/EY, tietosuoja-asetuksen 46 artiklan 2 kohdan c alakohta).",
        "scc_2001": "Euroopan komission hyväksymät vakiosopimuslausekkeet (päätös 2001/497/EY, tietosuoja-asetuksen 46 artiklan 2 kohdan c alakohta).",
        "bcr": "Tietosuojaviranomaisen hyväksymät yritystä koskevat sitovat säännöt (tietosuoja-asetuksen 47 artikla).",
        "code_of_conduct": "Hyväksytyt käytännesäännöt ja vastaanottajan sitovat sitoumukset (tietosuoja-asetuksen 40 artikla ja 46 artiklan 2 kohdan e alakohta).",
        "certification": "Hyväksytty sertifiointimekanismi ja vastaanottajan sitovat sitoumukset (tietosuoja-asetuksen 42 artikla ja 46 artiklan 2 kohdan f alakohta).",
        "ad_hoc_clauses": "Tietosuojaviranomaisen hyväksymät sopimuslausekkeet (tietosuoja-asetuksen 46 artiklan 3 kohdan a alakohta).",
        "derogation_49_1_a": "Riittävyyspäätöstä tai asianmukaisia suojatoimia ei ole; siirto perustuu nimenomaiseen suostumukseesi (tietosuoja-asetuksen 49 artiklan 1 kohdan a alakohta).",
        "derogation_49_1_b": "Riittävyyspäätöstä tai asianmukaisia suojatoimia ei ole; siirto on välttämätön kanssasi tehdyn sopimuksen täytäntöönpanemiseksi (tietosuoja-asetuksen 49 artiklan 1 kohdan b alakohta).",
        "derogation_49_1_c": "Riittävyyspäätöstä tai asianmukaisia suojatoimia ei ole; siirto on välttämätön etusi mukaisen sopimuksen tekemiseksi tai täytäntöönpanemiseksi (tietosuoja-asetuksen 49 artiklan 1 kohdan c alakohta).",
        "derogation_49_1_d": "Riittävyyspäätöstä tai asianmukaisia suojatoimia ei ole; siirto on välttämätön tärkeää yleistä etua koskevista syistä (tietosuoja-asetuksen 49 artiklan 1 kohdan d alakohta).",
        "derogation_49_1_e": "Riittävyyspäätöstä tai asianmukaisia suojatoimia ei ole; siirto on välttämätön oikeusvaateen laatimiseksi, esittämiseksi tai puolustamiseksi (tietosuoja-asetuksen 49 artiklan 1 kohdan e alakohta).",
        "derogation_49_1_f": "Riittävyyspäätöstä tai asianmukaisia suojatoimia ei ole; siirto on välttämätön rekisteröidyn tai muiden henkilöiden elintärkeiden etujen suojaamiseksi (tietosuoja-asetuksen 49 artiklan 1 kohdan f alakohta).",
        "derogation_49_1_g": "Riittävyyspäätöstä tai asianmukaisia suojatoimia ei ole; siirto tehdään julkisesta rekisteristä (tietosuoja-asetuksen 49 artiklan 1 kohdan g alakohta).",
        "derogation_49_1_second": "Riittävyyspäätöstä tai asianmukaisia suojatoimia ei ole; satunnainen siirto on välttämätön rekisterinpitäjän pakottavien oikeutettujen etujen vuoksi, ja sille on toteutettu asianmukaiset suojatoimet (tietosuoja-asetuksen 49 artiklan 1 kohdan toinen alakohta).",
    },
}

INVALID_MECHANISMS = frozenset({"none", "privacy_shield", "safe_harbor", "uk_idta", "uk_addendum"})
"""Never a valid EU safeguard today: invalidated by the CJEU (C-362/14 Schrems I, 6 October 2015;
C-311/18 Schrems II, 16 July 2020), UK-only instruments (legal-facts §8), or nothing at all."""

LEGACY_SCCS = frozenset({"scc_2001", "scc_2004", "scc_2010"})
LEGACY_SCC_LAST_DAY = date(2022, 12, 27)
"""Decision (EU) 2021/914 Art. 4(4): old-SCC contracts covered transfers until 27 December 2022."""

ART49_SECOND_SUBPARAGRAPH = frozenset({"derogation_49_1_second"})
"""Compelling legitimate interests (Art. 49(1) second subparagraph): Art. 49(6) requires the
assessment and the suitable safeguards to be documented in the Art. 30 record."""

_ISO_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")

NUMBER_WORDS: Mapping[str, tuple[str, ...]] = {
    "en": (
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ),
    "fi": (
        "nolla",
        "yksi",
        "kaksi",
        "kolme",
        "neljä",
        "viisi",
        "kuusi",
        "seitsemän",
        "kahdeksan",
        "yhdeksän",
        "kymmenen",
        "yksitoista",
        "kaksitoista",
    ),
}
"""Contract style writes small numbers in words with the figure: "three (3) years"."""


def fmt_date(day: date | None, language: str) -> str:
    """en: "24 November 2026"; fi: "24.11.2026" (independent of the process locale)."""
    if day is None:
        return LABELS[language]["unknown"]
    if language == "fi":
        return f"{day.day}.{day.month}.{day.year}"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_TEENS = (
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)


def number_words(n: int, language: str) -> str:
    """0-999 in words, as a contract writes them ("thirty", "kolmekymmentä"); larger numbers
    as figures."""
    words = NUMBER_WORDS[language]
    if n < len(words):
        return words[n]
    if not 0 <= n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    if language == "fi":
        head = "" if hundreds == 0 else ("sata" if hundreds == 1 else words[hundreds] + "sataa")
        if rest < len(words):
            tail = words[rest] if rest else ""
        elif rest < 20:
            tail = words[ones] + "toista"
        else:
            tail = words[tens] + "kymmentä" + (words[ones] if ones else "")
        return head + tail
    if rest < len(words):
        tail = words[rest] if rest else ""
    elif rest < 20:
        tail = _EN_TEENS[rest - 13]
    else:
        tail = _EN_TENS[tens] + (f"-{words[ones]}" if ones else "")
    if hundreds == 0:
        return tail
    return f"{words[hundreds]} hundred" + (f" and {tail}" if tail else "")


def counted(lab: Mapping[str, str], key: str, n: int, language: str, **values: str) -> str:
    """A sentence that counts, as a contract writes it: its ``_one`` form for one, else the
    number in words with the figure ("two (2)"), never "1 change(s)"."""
    if n == 1 and f"{key}_one" in lab:
        return lab[f"{key}_one"].format(**values)
    number = f"{number_words(n, language)} ({n})" if n < 1000 else str(n)
    return lab[key].format(n=number, **values)


def fmt_days(n: int, language: str) -> str:
    """A number of days as a contract writes it: "thirty (30) days" / "kolmekymmentä (30)
    päivää"."""
    unit = PERIOD_UNITS[language]["D"][0 if n == 1 else 1]
    return f"{number_words(n, language)} ({n}) {unit}"


def fmt_period(iso: str | None, language: str) -> str:
    """An ISO 8601 period in contract words: "P3Y" -> "three (3) years" / "kolme (3) vuotta";
    text that is not a period is printed as typed."""
    if not iso:
        return LABELS[language]["unknown"]
    match = _ISO_PERIOD.match(iso.strip().upper())
    if match is None or not any(match.groups()):
        return iso
    units = PERIOD_UNITS[language]
    parts = []
    for amount, unit in zip(match.groups(), "YMWD", strict=True):
        if amount:
            n = int(amount)
            unit_word = units[unit][0] if n == 1 else units[unit][1]
            number = f"{number_words(n, language)} ({n})" if n < 1000 else str(n)
            parts.append(f"{number} {unit_word}")
    joiner = " ja " if language == "fi" else " and "
    return joiner.join(parts)


def review_period(months: int, language: str) -> str:
    """The review cadence in words: "one year" / "vuosi" for the usual 12 months, else as a
    contract period ("two (2) years", "six (6) months")."""
    if months == 12:
        return "vuosi" if language == "fi" else "one year"
    return fmt_period(f"P{months // 12}Y" if months % 12 == 0 else f"P{months}M", language)


def country_name(code: str, language: str) -> str:
    """The canonical name from ``reference/data/country_names.toml``."""
    return _country_name(code, language)


def mechanism_name(code: str, language: str) -> str:
    """The name of a mechanism code; text that is not a code (already a name) is kept."""
    if language == "fi" and code in MECHANISM_FI:
        return MECHANISM_FI[code]
    mechanism = load_reference().mechanism(code)
    return mechanism.name if mechanism else code


def mechanism_basis(code: str, language: str) -> str:
    """Legal basis and citation of a mechanism in the document's language (the reference
    data's ``legal_basis``/``citation`` and their ``*_fi`` variants)."""
    mechanism = load_reference().mechanism(code)
    if mechanism is None:
        return ""
    if language == "fi":
        return f"{mechanism.legal_basis_fi}; {mechanism.citation_fi}"
    return f"{mechanism.legal_basis}; {mechanism.citation}"


def safeguard_text(code: str, module: int | None, language: str) -> str:
    """A mechanism's name with the SCC module when it is the 2021 SCCs ("..., Module 3
    (transfer processor to processor)"): which clauses bind the importer is part of the
    safeguard (Decision (EU) 2021/914, Section I)."""
    name = mechanism_name(code, language)
    if code == "scc_2021" and module in (1, 2, 3, 4):
        lab = LABELS[language]
        return f"{name}, {lab['module'].format(m=module, direction=lab[f'module_{module}'])}"
    return name


NO_TIA_NEEDED = frozenset({"adequacy", "dpf"})
"""Transfers on an adequacy decision (GDPR Art. 45) need no transfer impact assessment; the
Art. 46 tools do (CJEU C-311/18 Schrems II; EDPB Recommendations 01/2020)."""


def needs_tia(transfer: TransferData) -> bool:
    """Whether the transfer relies, at least as its fallback, on an Art. 46 tool."""
    return any(
        m and m not in NO_TIA_NEEDED and not m.startswith("derogation")
        for m in (transfer.mechanism, transfer.fallback_mechanism)
    )


def tia_text(transfer: TransferData, language: str) -> str:
    """The transfer impact assessment a transfer rests on, as a contract annex states it."""
    lab = LABELS[language]
    if not needs_tia(transfer):
        return lab["tia_not_needed"]
    if transfer.assessed_on is None:
        return lab["tia_none"]
    return lab["tia_on"].format(date=fmt_date(transfer.assessed_on, language))


def signatory(name: str | None, title: str | None, language: str) -> str:
    """ "Name, title" of who signs for a party, or a line to fill in when the register has
    none (never "not specified" in a signature block)."""
    given = [x.strip() for x in (name, title) if x and x.strip()]
    return ", ".join(given) if given else LABELS[language]["signature_blank"]


TIER_MODES = ("list", "dpa", "dpa_sub")
"""How a chain row's tier is worded: in our customers' sub-processor list ("direct", "via X");
in an Art. 28(3) DPA (the Processor's sub-processors, then further sub-processors); in an
Art. 28(4) DPA (every processor the Sub-processor engages is a further sub-processor)."""


def tier_text(depth: int, parent: str | None, language: str, mode: str = "dpa") -> str:
    """Where a sub-processor sits in the chain, in words (GDPR Art. 28(2) and (4))."""
    lab = LABELS[language]
    if mode == "list":
        if depth <= 0 or not parent:
            return lab["tier_direct"]
        return lab["tier_via"].format(parent=parent)
    further_from = 1 if mode == "dpa_sub" else 2
    if depth >= further_from and parent:
        return lab["tier_further"].format(parent=parent)
    return lab["tier_sub"]


def label(language: str, key: str | None) -> str:
    if key is None:
        return LABELS[language]["unknown"]
    return LABELS[language].get(key, key)


def text(value: str | None, language: str) -> str:
    return value.strip() if value and value.strip() else LABELS[language]["unknown"]


def joined(values: Sequence[str] | None) -> str:
    """Free text values as typed, comma-separated."""
    return ", ".join(v.strip() for v in values or () if v.strip())


_MISSING_TEXTS: ContextVar[list[str] | None] = ContextVar("missing_texts", default=None)
_TYPED_IN: ContextVar[str] = ContextVar("typed_in", default="en")


@contextmanager
def strict_texts(typed_in: str) -> Iterator[list[str]]:
    """Within this block, a free text a document prints in a language other than ``typed_in``
    (the language the register's texts are typed in, TRANSFERS_DOCUMENT_TEXT_LANGUAGE) without
    its translation is recorded in the yielded list instead of being printed as typed: a
    Finnish document is refused with the list of missing Finnish texts, never silently
    English. Outside it (template test renders) texts fall back to the typed ones."""
    missing: list[str] = []
    token, typed = _MISSING_TEXTS.set(missing), _TYPED_IN.set(typed_in)
    try:
        yield missing
    finally:
        _MISSING_TEXTS.reset(token)
        _TYPED_IN.reset(typed)


def _needs_translation(owner: str, name: str, language: str) -> None:
    missing = _MISSING_TEXTS.get()
    if missing is None or language == _TYPED_IN.get():
        return
    entry = (
        f"{owner}: translations.{language}.{name}" if owner else f"translations.{language}.{name}"
    )
    if entry not in missing:
        missing.append(entry)


def localised(
    value: Any,
    translations: Mapping[str, Mapping[str, Any]] | None,
    name: str,
    language: str,
    owner: str = "",
) -> Any:
    """The free text ``name`` in ``language`` when the register has it, else as typed (and,
    under :func:`strict_texts`, recorded as missing when typed in another language)."""
    given = (translations or {}).get(language, {}).get(name)
    if given:
        return given
    if not _empty(value):
        _needs_translation(owner, name, language)
    return value


def terms(vocabulary_name: str, values: Sequence[str] | None, language: str) -> str:
    """Controlled values (data categories, data-subject categories) in the document's language."""
    return ", ".join(term(vocabulary_name, v, language) for v in values or () if v.strip())


@dataclass(frozen=True, slots=True)
class DocumentOptions:
    """Terms we offer that are policy, not register data (settings TRANSFERS_DOCUMENT_*)."""

    objection_days: int = 30
    """Days a customer has to object to a new sub-processor (GDPR Art. 28(2))."""
    breach_hours: int = 48
    """Hours within which a processor must notify us of a personal data breach (Art. 33(2))."""
    review_months: int = 12
    """Months after its completion that a TIA is reviewed when it names no date of its own
    (EDPB Recommendations 01/2020, step 6): the reminders' cadence, setting
    TRANSFERS_ASSESSMENT_REVIEW_MONTHS."""
    text_language: str = "en"
    """The language the register's free texts are typed in (TRANSFERS_DOCUMENT_TEXT_LANGUAGE):
    a document in the other language needs each text's translation (:func:`strict_texts`)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> DocumentOptions:
        """The options the API, the web workspace, the CLI and the job queue all render with."""
        return cls(
            objection_days=settings.document_objection_days,
            breach_hours=settings.document_breach_hours,
            review_months=settings.assessment_review_months,
            text_language=settings.document_text_language,
        )


# --- Input data ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationData:
    """Our organisation entity: the controller, or the exporter (GDPR Art. 30(1)(a))."""

    name: str
    business_id: str | None
    address: str | None
    country: str
    dpo_name: str | None = None
    dpo_email: str | None = None
    supervisory_authority: str | None = None
    signatory_name: str | None = None
    signatory_title: str | None = None


OrgData = OrganisationData


@dataclass(frozen=True, slots=True)
class VendorData:
    """The other party: processor, sub-processor or importer."""

    id: int
    name: str
    legal_name: str | None
    business_id: str | None
    country: str
    role: str
    address: str | None = None
    contact: str | None = None
    category: str = "other"
    signatory_name: str | None = None
    signatory_title: str | None = None


@dataclass(frozen=True, slots=True)
class ProcessingData:
    """What the vendor does with the data: the Art. 28(3) description and Annex I/II."""

    service: str
    nature: str | None
    purposes: tuple[str, ...]
    data_categories: tuple[str, ...]
    data_subjects: tuple[str, ...]
    special_categories: bool = False
    criminal_data: bool = False
    retention: str | None = None
    measures: str | None = None
    our_role: str = "controller"
    controller: str | None = None
    translations: Mapping[str, Mapping[str, Any]] | None = None
    measures_catalogue: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class AgreementData:
    """The Art. 28 agreement (a DPA, or SCC Module 2/3 which satisfy Art. 28(3) and (4))."""

    kind: str
    effective_on: date | None
    term_end: date | None
    term: str | None
    auto_renew: bool
    renewal_term: str | None
    notice_period: str | None
    subprocessor_authorisation: str | None
    objection_period_days: int | None


@dataclass(frozen=True, slots=True)
class SubprocessorRow:
    """One sub-processor down the chain; ``country`` is ISO alpha-2, ``mechanism`` a code or text.

    ``depth``: 0 for a top of the chain (a vendor we engage), 1 for its sub-processor, 2 and
    more for further sub-processors; ``parent`` the legal entity that engages it."""

    name: str
    country: str
    purpose: str
    mechanism: str
    vendor_id: int | None = None
    parent: str | None = None
    legal_name: str | None = None
    address: str | None = None
    depth: int = 1


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A sub-processor added, removed or changed: the Art. 28(2) notice of changes."""

    change: str
    name: str
    parent: str
    on: date
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TransferData:
    """A transfer with the rules engine's verdict and reasons (plain dicts: code, message,
    citation) on the evaluation date."""

    id: int
    vendor_name: str
    destination_country: str
    exporter_role: str
    importer_role: str
    mechanism: str
    scc_module: int | None
    data_categories: tuple[str, ...]
    frequency: str | None
    transfer_type: str
    description: str | None
    supplementary_measures: str | None
    verdict: str
    reasons: tuple[Mapping[str, str], ...] = field(default=())
    is_third_country: bool = True
    active: bool = True
    derogation_documentation: str | None = None
    vendor_id: int | None = None
    our_role: str = "controller"
    processing_service: str | None = None
    purposes: tuple[str, ...] = ()
    controller: str | None = None
    fallback_mechanism: str | None = None
    translations: Mapping[str, Mapping[str, Any]] | None = None
    started_on: date | None = None
    assessed_on: date | None = None
    """Completion date of the newest transfer impact assessment on or before the document's
    date (None: none recorded)."""
    transfer_translations: Mapping[str, Mapping[str, Any]] | None = None
    """The transfer's own free texts (description, supplementary measures) per language."""
    made_by: str | None = None
    """For an onward transfer, the vendor that makes it (SCC Clause 8.7): our sub-processor."""


@dataclass(frozen=True, slots=True)
class AssessmentData:
    """A transfer impact assessment (EDPB Recommendations 01/2020; SCC Clause 14)."""

    completed_on: date | None
    conclusion: str | None
    supplementary_measures: str | None
    procedural_steps: str | None
    law_and_practice: str | None
    next_review_on: date | None
    assessor: str | None = None
    approver: str | None = None
    approved_on: date | None = None
    risk_period_years: int | None = None
    risk_scenarios: tuple[Scenario, ...] = ()
    conclusion_reasoning: str | None = None
    translations: Mapping[str, Mapping[str, Any]] | None = None
    importer_finding: str | None = None


def percent(value: float, language: str) -> str:
    """0.025 -> "2.5%" / "2,5 %" (a no-break space): the language's own pattern (Babel,
    CLDR), to two decimals of a percent at most."""
    return format_percent(
        round(value, 4), locale=BABEL_LOCALES[language], decimal_quantization=False
    )


def risk_ctx(a: AssessmentData, language: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The documented risk method: the assessor's estimates per scenario, the computed
    probabilities (transfers.assessment.risk) and the reasoned conclusion."""
    lab = LABELS[language]
    named = localised(None, a.translations, "risk_scenarios", language) or ()
    if a.risk_scenarios and len(named) != len(a.risk_scenarios):
        named = ()
        _needs_translation("assessment", "risk_scenarios", language)
    rows = [
        {
            "scenario": named[i] if named else s.scenario,
            "request": percent(s.request, language),
            "compelled": percent(s.compelled, language),
            "measures_fail": percent(s.measures_fail, language),
            "probability": percent(s.probability, language),
        }
        for i, s in enumerate(a.risk_scenarios)
    ]
    summary = {
        "method": lab["risk_method"],
        "result": lab["risk_result"].format(
            years=fmt_period(f"P{a.risk_period_years or 1}Y", language),
            p=percent(overall_probability(a.risk_scenarios), language),
        )
        if a.risk_scenarios
        else lab["risk_none"],
        "reasoning": text(
            localised(
                a.conclusion_reasoning,
                a.translations,
                "conclusion_reasoning",
                language,
                "assessment",
            ),
            language,
        ),
    }
    return summary, rows


# --- Checks ----------------------------------------------------------------------------------


def _empty(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, str | tuple | list) and not value)
        or (isinstance(value, str) and not value.strip())
    )


class _Needs:
    """Collects everything missing, so one error lists it all."""

    def __init__(self) -> None:
        self.missing: list[str] = []

    def check(self, name: str, value: object) -> None:
        if _empty(value):
            self.missing.append(name)

    def part(self, build: Callable[[], T]) -> T | None:
        try:
            return build()
        except MissingDataError as exc:
            self.missing.extend(m for m in exc.missing if m not in self.missing)
            return None

    def done(self) -> None:
        if self.missing:
            raise MissingDataError(self.missing)


def _require(pairs: Sequence[tuple[str, Any]]) -> None:
    needs = _Needs()
    for name, value in pairs:
        needs.check(name, value)
    needs.done()


# --- Context parts ---------------------------------------------------------------------------


def common(
    org: OrganisationData | None,
    language: str,
    as_of: date,
    generated_on: date,
    template_version: str,
) -> dict[str, Any]:
    """What every document states about itself and about our organisation (GDPR Art. 30(1)(a),
    Art. 13(1)(a)). The supervisory authority defaults to the Finnish Data Protection
    Ombudsman for a Finnish organisation (Tietosuojalaki 1050/2018)."""
    if org is None:
        raise MissingDataError(["organisation"])
    _require(
        [
            ("organisation.name", org.name),
            ("organisation.business_id", org.business_id),
            ("organisation.address", org.address),
            ("organisation.country", org.country),
        ]
    )
    dpo = " ".join(x for x in (org.dpo_name, f"<{org.dpo_email}>" if org.dpo_email else None) if x)
    authority = org.supervisory_authority or (
        LABELS[language]["authority_fi"] if org.country == "FI" else None
    )
    return {
        "generated_on": fmt_date(generated_on, language),
        "as_of": fmt_date(as_of, language),
        "template_version": template_version,
        "org": {
            "signatory": signatory(org.signatory_name, org.signatory_title, language),
            "name": org.name,
            "business_id": org.business_id or "",
            "address": text(org.address, language),
            "country": org.country,
            "country_name": country_name(org.country, language),
            "dpo": dpo or text(None, language),
            "supervisory_authority": text(authority, language),
        },
    }


def id_label(country: str, language: str) -> str:
    """What a party's registration number is called: a Finnish company's is its Y-tunnus."""
    return LABELS[language]["id_fi" if country == "FI" else "id_other"]


def address_with_country(address: str | None, country: str, language: str) -> str:
    """A postal address followed by its country's name, unless the address already ends with
    the country (its name in either language, or its ISO code: "..., USA")."""
    name = country_name(country, language)
    typed = (address or "").strip().rstrip(",")
    if not typed:
        return name
    last = typed.rsplit(",", 1)[-1].strip().casefold()
    found = pycountry.countries.get(alpha_2=country.upper())
    same = {country.casefold(), name.casefold(), country_name(country, "en").casefold()}
    same |= {country_name(country, "fi").casefold()}
    if found is not None:
        same |= {found.alpha_3.casefold(), found.name.casefold()}
    return typed if last in same else f"{typed}, {name}"


def vendor_ctx(vendor: VendorData, language: str) -> dict[str, str]:
    _require([("vendor.name", vendor.name), ("vendor.country", vendor.country)])
    legal_name = (vendor.legal_name or "").strip() or vendor.name
    return {
        "name": vendor.name,
        "legal_name": legal_name,
        "trading": ""
        if re.sub(r"\W+", "", legal_name).casefold() == re.sub(r"\W+", "", vendor.name).casefold()
        else LABELS[language]["trading_as"].format(name=vendor.name),
        "address_country": address_with_country(vendor.address, vendor.country, language),
        "business_id_label": id_label(vendor.country, language),
        "business_id": text(vendor.business_id, language),
        "address": text(vendor.address, language),
        "contact": text(vendor.contact, language),
        "country_name": country_name(vendor.country, language),
        "role": label(language, vendor.role),
        "category": term("vendor_categories", vendor.category, language),
        "signatory": signatory(vendor.signatory_name, vendor.signatory_title, language),
    }


def processing_ctx(
    p: ProcessingData | None, language: str, prefix: str = "processing"
) -> dict[str, str]:
    """GDPR Art. 28(3): subject matter, nature and purpose, type of personal data and categories
    of data subjects; Annex II needs the Art. 32 measures. Retention defaults to the end of the
    services (Art. 28(3)(g)). Free texts in the document's language when the register has
    them; controlled values always in it."""
    if p is None:
        raise MissingDataError([prefix])
    _require(
        [
            (f"{prefix}.service", p.service),
            (f"{prefix}.nature", p.nature),
            (f"{prefix}.purposes", p.purposes),
            (f"{prefix}.data_categories", p.data_categories),
            (f"{prefix}.data_subject_categories", p.data_subjects),
            (f"{prefix}.measures", p.measures),
        ]
    )
    if p.our_role == "processor":
        _require([(f"{prefix}.controller", p.controller)])
    lab = LABELS[language]

    def own(value: Any, name: str) -> Any:
        return localised(value, p.translations, name, language, f"processing “{p.service}”")

    sensitive = [
        lab[key]
        for key, flag in (("article_9", p.special_categories), ("article_10", p.criminal_data))
        if flag
    ]
    retention = own(p.retention, "retention")
    return {
        "service": own(p.service, "service"),
        "nature": text(own(p.nature, "nature"), language),
        "purposes": joined(own(p.purposes, "purposes")),
        "data_categories": terms("data_categories", p.data_categories, language),
        "data_subjects": data_subjects(p, language),
        "sensitive": ", ".join(sensitive) if sensitive else label(language, "no"),
        "retention": retention.strip()
        if retention and retention.strip()
        else lab["retention_default"],
        "measures": text(own(p.measures, "technical_measures"), language),
        "controller": text(own(p.controller, "controller"), language),
    }


def data_subjects(p: ProcessingData, language: str) -> str:
    """The categories of data subjects in ``language``: controlled values by the vocabulary,
    free ones from the translation (needed only when some value is not a controlled one)."""
    given = (p.translations or {}).get(language, {}).get("data_subject_categories")
    if given:
        return terms("data_subject_categories", given, language)
    known = vocabulary()["data_subject_categories"]
    if any(
        v.strip() and v not in known and v.strip().lower() not in known for v in p.data_subjects
    ):
        _needs_translation(f"processing “{p.service}”", "data_subject_categories", language)
    return terms("data_subject_categories", p.data_subjects, language)


def measure_rows(
    p: ProcessingData | None, language: str, *, assistance: bool
) -> list[dict[str, str]]:
    """Annex II by the categories SCC Annex II lists, in its order, from the processing's
    measures catalogue (in the document's language when translated); the free-text measures
    when there is no catalogue. With ``assistance`` (a processor or sub-processor), the
    assistance measures Annex II requires are always stated, or marked as not documented."""
    if p is None:
        return []
    lab = LABELS[language]
    catalogue = dict(p.measures_catalogue or {})
    translated = dict(localised(None, p.translations, "measures_catalogue", language) or {})
    for code, value in catalogue.items():
        if (value or "").strip() and code not in translated:
            _needs_translation(f"processing “{p.service}”", f"measures_catalogue.{code}", language)
    catalogue |= translated
    names = vocabulary()["measure_categories"]
    rows = [
        {"category": names[code][language], "measures": catalogue[code].strip()}
        for code in names
        if code != "assistance" and (catalogue.get(code) or "").strip()
    ]
    if not rows:
        free = localised(
            p.measures, p.translations, "technical_measures", language, f"processing “{p.service}”"
        )
        rows = [{"category": lab["measures_general"], "measures": text(free, language)}]
    if assistance:
        given = (catalogue.get("assistance") or "").strip()
        rows.append(
            {
                "category": names["assistance"][language],
                "measures": given or lab["assistance_missing"],
            }
        )
    return rows


def agreement_ctx(a: AgreementData | None, language: str) -> dict[str, str]:
    """Duration (Art. 28(3)), sub-processor authorisation (Art. 28(2): specific, or general with
    an objection period) and the term, renewal and notice of the agreement."""
    if a is None:
        raise MissingDataError(["agreement"])
    lab = LABELS[language]
    if a.subprocessor_authorisation == "general":
        if not a.objection_period_days or a.objection_period_days <= 0:
            raise MissingDataError(["agreement.objection_period_days"])
        authorisation = lab["general"].format(days=fmt_days(a.objection_period_days, language))
    elif a.subprocessor_authorisation == "specific":
        authorisation = lab["specific"]
    else:
        raise MissingDataError(["agreement.subprocessor_authorisation"])
    start = fmt_date(a.effective_on, language) if a.effective_on else lab["from_signature"]
    if a.term_end and not a.auto_renew:
        duration = lab["duration_fixed"].format(start=start, end=fmt_date(a.term_end, language))
    else:
        duration = lab["duration_open"].format(start=start)
    sentences = [lab["term_start"].format(start=start)]
    fixed_term = a.term_end is not None or bool(a.term)
    if a.term_end:
        sentences.append(lab["term_end"].format(end=fmt_date(a.term_end, language)))
    elif a.term:
        sentences.append(lab["initial_term"].format(period=fmt_period(a.term, language)))
    else:
        sentences.append(lab["term_open"])
    notice = fmt_period(a.notice_period, language) if a.notice_period else None
    if a.auto_renew and fixed_term:
        period = a.renewal_term or a.term
        renewal = (
            lab["renews"].format(period=fmt_period(period, language))
            if period
            else lab["renews_same"]
        )
        renewal += lab["renews_notice"].format(notice=notice) if notice else "."
        sentences.append(renewal)
    else:
        if fixed_term:
            sentences.append(lab["no_renewal"])
        if notice:
            sentences.append(lab["notice"].format(notice=notice))
    return {
        "duration": duration,
        "authorisation_text": authorisation,
        "term_text": " ".join(sentences),
    }


def subprocessor_rows(
    rows: Sequence[SubprocessorRow], language: str, mode: str = "dpa"
) -> list[dict[str, str]]:
    """Annex III and list rows: the legal entity (contracts name it, not a trading name), its
    address, country, what it does, where it sits in the chain and its safeguard."""
    needs = _Needs()
    for i, r in enumerate(rows):
        needs.check(f"subprocessors[{i}].name", r.name)
        needs.check(f"subprocessors[{i}].country", r.country)
        needs.check(f"subprocessors[{i}].mechanism", r.mechanism)
    needs.done()
    out = []
    for r in rows:
        legal = (r.legal_name or "").strip() or r.name
        address = (r.address or "").strip()
        out.append(
            {
                "name": legal,
                "trading_name": r.name,
                "address": text(address, language),
                "entity": f"{legal}, {address}" if address else legal,
                "country": country_name(r.country, language),
                "purpose": text(r.purpose, language),
                "mechanism": mechanism_name(r.mechanism, language),
                "tier": tier_text(r.depth, r.parent, language, mode),
                "engaged_by": r.parent or "",
            }
        )
    return out


ROLE_SWAP: Mapping[str, tuple[tuple[str, str], ...]] = {
    "en": (("Processor", "\x00"), ("Controller", "Processor"), ("\x00", "Sub-processor")),
    "fi": (
        ("Käsittelijä", "\x00"),
        ("Rekisterinpitäjä", "Käsittelijä"),
        ("\x00", "Alikäsittelijä"),
    ),
}
"""The Art. 28(4) agreement moves each defined role one step down the chain (the same swap
tools/build_templates.py applies to the clauses)."""


def _same(value: str, language: str) -> str:
    return value


def swap_roles(value: str, language: str) -> str:
    for old, new in ROLE_SWAP[language]:
        value = value.replace(old, new)
    return value


def dpa_context(
    base: dict[str, Any],
    vendor: VendorData,
    processing: ProcessingData | None,
    agreement: AgreementData | None,
    subprocessors: Sequence[SubprocessorRow],
    language: str,
    *,
    options: DocumentOptions | None = None,
    transfers: Sequence[TransferData] = (),
) -> dict[str, Any]:
    """A GDPR Art. 28(3) processing agreement with Annexes I-III (III: the sub-processor chain).

    ``transfers``: the vendor's own and those of its engaged chain (``subprocessors``): the
    transfers clause lists every third-country transfer of the personal data down the chain,
    each with the importer, its tier, the safeguard (with the SCC module) and the date of its
    transfer impact assessment, so the clause and Annex III agree."""
    lab = LABELS[language]
    needs = _Needs()
    sub_processing = processing is not None and processing.our_role == "processor"
    mode = "dpa_sub" if sub_processing else "dpa"
    roles = swap_roles if sub_processing else _same
    vendor_part = needs.part(lambda: vendor_ctx(vendor, language))
    processing_part = needs.part(lambda: processing_ctx(processing, language))
    agreement_part = needs.part(lambda: agreement_ctx(agreement, language))
    rows = needs.part(lambda: subprocessor_rows(subprocessors, language, mode))
    chain = {r.vendor_id: r for r in subprocessors if r.vendor_id is not None}
    relevant = [
        t
        for t in transfers
        if t.active and t.is_third_country and (t.vendor_id == vendor.id or t.vendor_id in chain)
    ]
    for t in relevant:
        if invalid_safeguard(t):
            needs.missing.append(
                f"transfer {t.id} to {t.destination_country} has no valid safeguard ({t.mechanism})"
            )
    needs.done()
    if agreement_part and sub_processing:
        agreement_part["authorisation_text"] = swap_roles(
            agreement_part["authorisation_text"], language
        )

    def importer(t: TransferData) -> tuple[str, str]:
        row = chain.get(t.vendor_id or 0) if t.vendor_id != vendor.id else None
        if row is None:
            return vendor.legal_name or vendor.name, roles(lab["tier_party"], language)
        return row.legal_name or row.name, tier_text(row.depth, row.parent, language, mode)

    transfer_rows = []
    for t in relevant:
        name, tier = importer(t)
        mechanism = safeguard_text(t.mechanism, t.scc_module, language)
        fallback = (
            safeguard_text(t.fallback_mechanism, t.scc_module, language)
            if t.fallback_mechanism
            else ""
        )
        transfer_rows.append(
            {
                "country": country_name(t.destination_country, language),
                "importer": name,
                "tier": tier,
                "mechanism": mechanism,
                "tia": tia_text(t, language),
                "fallback": fallback or lab["no_fallback"],
                "safeguard": mechanism
                + (lab["fallback"].format(mechanism=fallback) if fallback else ""),
            }
        )
    return base | {
        "vendor": vendor_part,
        "processing": processing_part,
        "agreement": agreement_part,
        "subprocessors": rows,
        "measures": measure_rows(processing, language, assistance=True),
        "transfers": transfer_rows,
        "transfers_fallback": any(t.fallback_mechanism for t in relevant),
        "transfers_summary": lab["dpa_transfers_sub"]
        if transfer_rows and sub_processing
        else roles(lab["dpa_transfers" if transfer_rows else "dpa_no_transfers"], language),
        "breach_deadline": LABELS[language]["breach_deadline"].format(
            hours=(options or DocumentOptions()).breach_hours
        ),
        "parties": {
            "sub_processing": sub_processing,
            "controller": processing_part["controller"] if processing_part else "",
        },
        "subprocessor_summary": counted(lab, "subprocessors", len(subprocessors), language)
        if subprocessors
        else lab["no_subprocessors"],
    }


@dataclass(frozen=True, slots=True)
class SccElections:
    """Options elected in the SCCs of Decision (EU) 2021/914 (agreement.scc_clauses)."""

    docking_clause: bool = True
    redress_body: str | None = None
    supervisory_authority: str | None = None
    governing_law: str = "FI"
    forum: str = "FI"
    subprocessor_option: str | None = None
    subprocessor_days: int | None = None
    governing_law_option: int = 1
    contract_title: str | None = None
    """The SCC contract the annexes belong to: its title, signature date and module."""
    contract_signed_on: date | None = None
    contract_module: int | None = None


def scc_clause_rows(
    e: SccElections, module: int, authority: str, language: str
) -> list[dict[str, str]]:
    """One row per elected clause, as the annex states them."""
    lab = LABELS[language]
    rows = [(lab["c7"], lab["c7_yes"] if e.docking_clause else lab["c7_no"])]
    if module in (2, 3):
        if e.subprocessor_option == "general":
            nine = lab["c9_general"].format(
                days=fmt_days(e.subprocessor_days, language)
                if e.subprocessor_days
                else lab["not_documented"]
            )
        elif e.subprocessor_option == "specific":
            nine = lab["c9_specific"].format(days=fmt_days(e.subprocessor_days or 30, language))
        else:
            nine = lab["not_documented"]
        rows.append((lab["c9"], nine))
    rows.append(
        (
            lab["c11"],
            lab["c11_yes"].format(body=e.redress_body) if e.redress_body else lab["c11_no"],
        )
    )
    rows.append((lab["c13"], authority or lab["not_documented"]))
    law = lab["c17_text"].format(country=country_name(e.governing_law, language))
    if module == 4:
        seventeen = law
    elif e.governing_law_option == 2 and module in (2, 3):
        seventeen = lab["c17_option2"].format(law=law)
    else:
        seventeen = lab["c17_option1"].format(law=law)
    rows.append((lab["c17"], seventeen))
    rows.append((lab["c18"], lab["c18_text"].format(country=country_name(e.forum, language))))
    return [{"clause": c, "election": v} for c, v in rows]


def party(v: Mapping[str, str]) -> dict[str, str]:
    """A party of the SCC Annex I.A from a vendor context."""
    return {
        "name": v.get("legal_name", ""),
        "business_id_label": v.get("business_id_label", ""),
        "business_id": v.get("business_id", ""),
        "address": v.get("address_country", ""),
        "contact": v.get("contact", ""),
        "signatory": v.get("signatory", ""),
    }


def scc_context(
    base: dict[str, Any],
    vendor: VendorData,
    processing: ProcessingData | None,
    transfer: TransferData,
    authority: str | None,
    subprocessors: Sequence[SubprocessorRow],
    language: str,
    *,
    exporter: VendorData | None = None,
    clauses: SccElections | None = None,
) -> dict[str, Any]:
    """Annexes I-III of the standard contractual clauses of Decision (EU) 2021/914 for the
    transfer's module. Annex I.C is the exporter's supervisory authority (Clause 13(a)); Annex
    III exists only in Modules 2 and 3 (Clause 9)."""
    lab = LABELS[language]
    needs = _Needs()
    elections = clauses or SccElections()
    module = transfer.scc_module or elections.contract_module
    if "scc_2021" not in (transfer.mechanism, transfer.fallback_mechanism):
        needs.missing.append(f"transfer {transfer.id}.mechanism (scc_2021)")
    if module not in (1, 2, 3, 4):
        needs.missing.append(f"transfer {transfer.id}.scc_module")
    else:
        scc = load_reference().mechanism("scc_2021")
        expected = scc.module_for(transfer.exporter_role, transfer.importer_role) if scc else None
        if expected is not None and expected != module:
            needs.missing.append(
                f"transfer {transfer.id}.scc_module (module {module} does not fit "
                f"{transfer.exporter_role} to {transfer.importer_role}: use module {expected})"
            )
    vendor_part = needs.part(lambda: vendor_ctx(vendor, language))
    processing_part = needs.part(lambda: processing_ctx(processing, language))
    needs.check(f"transfer {transfer.id}.frequency", transfer.frequency)
    categories = transfer.data_categories or (processing.data_categories if processing else ())
    needs.check(f"transfer {transfer.id}.data_categories", categories)
    supervisory = authority or base["org"]["supervisory_authority"]
    if supervisory == lab["unknown"]:
        supervisory = None
    needs.check("organisation.supervisory_authority", supervisory)
    rows = needs.part(lambda: subprocessor_rows(subprocessors, language))
    needs.done()
    assert module is not None and processing is not None and rows is not None
    assert processing_part is not None
    description = localised(
        transfer.description,
        transfer.transfer_translations,
        "description",
        language,
        f"transfer {transfer.id}",
    )
    has_annex_iii = module in (2, 3)
    org = base["org"]
    exporter_part = (
        party(vendor_ctx(exporter, language))
        if exporter is not None
        else {
            "name": org["name"],
            "business_id_label": id_label(org["country"], language),
            "business_id": org["business_id"],
            "address": f"{org['address']}, {org['country_name']}",
            "contact": org["dpo"],
            "signatory": org["signatory"],
        }
    )
    authority_text = elections.supervisory_authority or supervisory
    module_text = lab["module"].format(m=module, direction=lab[f"module_{module}"])
    signed = fmt_date(elections.contract_signed_on, language)
    if elections.contract_signed_on is None:
        contract = lab["contract_unsigned"].format(module=module_text)
    elif elections.contract_title:
        contract = lab["contract"].format(
            title=elections.contract_title, signed=signed, module=module_text
        )
    else:
        contract = lab["contract_untitled"].format(signed=signed, module=module_text)
    if transfer.mechanism != "scc_2021":
        contract += lab["contract_fallback"].format(
            mechanism=mechanism_name(transfer.mechanism, language)
        )
    return base | {
        "clauses": scc_clause_rows(elections, module, authority_text or "", language),
        "measures": measure_rows(processing, language, assistance=module in (2, 3)),
        "vendor": vendor_part,
        "exporter": exporter_part | {"role": label(language, transfer.exporter_role)},
        "importer": party(vendor_part or {}) | {"role": label(language, transfer.importer_role)},
        "processing": processing_part,
        "transfer": {
            "module": module,
            "module_text": module_text,
            "exporter_role": label(language, transfer.exporter_role),
            "importer_role": label(language, transfer.importer_role),
            "data_categories": terms("data_categories", categories, language),
            "frequency": label(language, transfer.frequency),
            "subject_matter": description.strip()
            if description and description.strip()
            else f"{processing_part['service']}: {processing_part['nature']}",
            "duration": lab["scc_duration"],
            "supplementary_measures": text(
                localised(
                    transfer.supplementary_measures,
                    transfer.transfer_translations,
                    "supplementary_measures",
                    language,
                    f"transfer {transfer.id}",
                ),
                language,
            ),
        },
        "authority": supervisory,
        "subprocessors": rows if has_annex_iii else [],
        "annex_iii_note": (lab["annex_iii_23"] if rows else lab["none"])
        if has_annex_iii
        else lab["annex_iii_other"],
        "contract": contract,
    }


def engine_verdict(transfer: TransferData, on: date, language: str) -> str:
    """The engine's verdict as a document may state it: a transfer that is not active on the
    date is never called lawful (it has not started, or it has ended)."""
    lab = LABELS[language]
    if transfer.verdict == "inactive" or not transfer.active:
        if transfer.started_on is not None and transfer.started_on > on:
            return lab["not_started"].format(start=fmt_date(transfer.started_on, language))
        return lab["inactive"]
    return label(language, transfer.verdict)


def tia_context(
    base: dict[str, Any],
    vendor: VendorData,
    transfer: TransferData,
    assessment: AssessmentData,
    evaluation_as_of: date,
    language: str,
    *,
    country_notes: str | None = None,
    processing: ProcessingData | None = None,
    onward: Sequence[SubprocessorRow] = (),
    as_of: date | None = None,
    review_months: int = 12,
    exporter: VendorData | None = None,
) -> dict[str, Any]:
    """A transfer impact assessment in the six steps of EDPB Recommendations 01/2020 (v2.0):
    map the transfer, the tool relied on, the destination's law and practice, supplementary
    measures, procedural steps, re-evaluation; with the engine's verdict on
    ``evaluation_as_of`` (the day the document is generated) beside the assessment date.

    Refused, listing what is missing, without the Step 1 facts, the assessor's Step 3 finding
    for this importer and a reasoned conclusion: a TIA with holes is not evidence. The
    reference's country text is guidance for the assessor: only its description of the laws
    is printed (when the assessment has none of its own), never as the finding. Sources dated
    after the assessment are listed as developments since it. ``exporter``: the vendor that
    makes an onward transfer (SCC Clause 8.7); else our organisation."""
    lab = LABELS[language]
    needs = _Needs()
    vendor_part = needs.part(lambda: vendor_ctx(vendor, language))
    exporter_part = needs.part(lambda: vendor_ctx(exporter, language)) if exporter else None

    def mine(name: str) -> str | None:
        value = localised(
            getattr(assessment, name), assessment.translations, name, language, "assessment"
        )
        return value.strip() if isinstance(value, str) and value.strip() else None

    needs.check("assessment.completed_on", assessment.completed_on)
    needs.check("assessment.conclusion", assessment.conclusion)
    if assessment.conclusion == "adequate_with_measures":
        needs.check("assessment.supplementary_measures (Step 4)", mine("supplementary_measures"))
    if processing is None:
        needs.missing.append("processing (Step 1: what the importer does with the data)")
    else:
        needs.check("processing.purposes (Step 1)", processing.purposes)
        needs.check("processing.data_subject_categories (Step 1)", processing.data_subjects)
    needs.check(f"transfer {transfer.id}.data_categories (Step 1)", transfer.data_categories)
    needs.check(f"transfer {transfer.id}.frequency (Step 1)", transfer.frequency)
    law = tia_country_law(transfer.destination_country, language)
    own_law = mine("law_and_practice") or country_notes
    if law["country"] == "default":
        needs.check(
            "assessment.law_and_practice (Step 3: the laws of the destination that allow access "
            "by public authorities)",
            own_law,
        )
    needs.check(
        "assessment.importer_finding (Step 3: the assessor's finding for this importer and "
        "these data)",
        mine("importer_finding"),
    )
    needs.check(
        "assessment.conclusion_reasoning (the reasoned conclusion)", mine("conclusion_reasoning")
    )
    for i, reason in enumerate(transfer.reasons):
        for key in ("code", "message"):
            needs.check(f"evaluation.reasons[{i}].{key}", reason.get(key))
    needs.done()
    assert assessment.completed_on is not None and processing is not None
    assessed_on = assessment.completed_on
    risk_summary, risk_rows = risk_ctx(assessment, language)
    step1 = processing_ctx_lenient(processing, language)
    if assessment.next_review_on:
        review = fmt_date(assessment.next_review_on, language)
        if as_of is not None and assessment.next_review_on < as_of:
            review = lab["review_overdue"].format(date=review)
    else:
        review = lab["review_default"].format(
            date=fmt_date(review_due(assessed_on, review_months), language),
            period=review_period(review_months, language),
        )
    org = base["org"]
    measures = localised(
        transfer.supplementary_measures,
        transfer.transfer_translations,
        "supplementary_measures",
        language,
        f"transfer {transfer.id}",
    )
    return base | {
        "vendor": vendor_part,
        "exporter": {
            "name": exporter_part["legal_name"] if exporter_part else org["name"],
            "role": label(language, transfer.exporter_role),
        },
        "transfer": {
            "exporter_role": label(language, transfer.exporter_role),
            "importer_role": label(language, transfer.importer_role),
            "data_categories": terms("data_categories", transfer.data_categories, language),
            "country_name": country_name(transfer.destination_country, language),
            "transfer_type": label(language, transfer.transfer_type),
            "frequency": label(language, transfer.frequency),
            "description": (
                localised(
                    transfer.description,
                    transfer.transfer_translations,
                    "description",
                    language,
                    f"transfer {transfer.id}",
                )
                or ""
            ).strip(),
            "mechanism_name": safeguard_text(transfer.mechanism, transfer.scc_module, language),
            "mechanism_basis": mechanism_basis(transfer.mechanism, language),
            "data_subjects": step1["data_subjects"],
            "purposes": step1["purposes"],
            "retention": step1["retention"],
            "access": lab[
                "access_"
                + {"remote_access": "remote", "onward_transfer": "onward"}.get(
                    transfer.transfer_type, "stored"
                )
            ],
            "onward": "; ".join(f"{r.name} ({country_name(r.country, language)})" for r in onward)
            or lab["no_onward"],
            "measures": text(
                measures if measures and measures.strip() else step1["measures"], language
            ),
        },
        "risk": risk_summary,
        "risk_scenarios": risk_rows,
        "assessment": {
            "assessor": text(assessment.assessor, language),
            "approver": text(assessment.approver, language),
            "approved_on": fmt_date(assessment.approved_on, language)
            if assessment.approved_on
            else lab["not_signed_off"],
            "completed_on": fmt_date(assessed_on, language),
            "conclusion": label(language, assessment.conclusion),
            "supplementary_measures": mine("supplementary_measures") or lab["no_measures"],
            "procedural_steps": mine("procedural_steps") or lab["none_recorded"],
            "next_review_on": review,
        },
        "country_note": {
            "title": country_name(transfer.destination_country, language),
            "text": own_law.strip() if own_law else law["laws"],
            "finding": mine("importer_finding") or "",
            "sources": [{"text": t} for on, t in law["sources"] if on <= assessed_on],
            "developments": [{"text": t} for on, t in law["sources"] if on > assessed_on],
        },
        "evaluation": {
            "as_of": fmt_date(evaluation_as_of, language),
            "assessed_on": fmt_date(assessed_on, language),
            "verdict": engine_verdict(transfer, evaluation_as_of, language),
            "reasons": [
                {
                    "code": str(r["code"]),
                    "message": str(r["message"]),
                    "citation": str(r.get("citation") or ""),
                }
                for r in transfer.reasons
            ],
        },
    }


def processing_ctx_lenient(p: ProcessingData, language: str) -> dict[str, str]:
    """The Step 1 description of a processing: what :func:`processing_ctx` prints, without
    its Art. 28 requirements (nature and measures may be stated elsewhere in a TIA)."""
    lab = LABELS[language]

    def own(value: Any, name: str) -> Any:
        return localised(value, p.translations, name, language, f"processing “{p.service}”")

    retention = own(p.retention, "retention")
    return {
        "purposes": joined(own(p.purposes, "purposes")),
        "data_subjects": data_subjects(p, language),
        "retention": retention.strip()
        if retention and retention.strip()
        else lab["retention_default"],
        "measures": text(own(p.measures, "technical_measures"), language),
    }


def subprocessor_list_context(
    base: dict[str, Any],
    scope: str | None,
    rows: Sequence[SubprocessorRow],
    changes: Sequence[ChangeRow],
    since: date,
    language: str,
    *,
    objection_days: int = 30,
    previous_on: date | None = None,
) -> dict[str, Any]:
    """The sub-processor list for customers, with the engagements started or ended (or
    announced) since ``since`` and the period in which a customer may object (GDPR
    Art. 28(2)). A new version (``previous_on``: the date of the version before) reports
    exactly the changes since that version, and says so."""
    lab = LABELS[language]
    since_text = (
        lab["previous_version"].format(date=fmt_date(previous_on, language))
        if previous_on is not None
        else fmt_date(since, language)
    )
    change_rows = [
        {
            "change": lab.get(c.change, c.change),
            "name": c.name,
            "parent": c.parent,
            "on": fmt_date(c.on, language),
            "detail": c.detail or "–",  # an addition or removal: no field before -> after
        }
        for c in changes
    ]
    summary = (
        counted(lab, "changes", len(change_rows), language, since=since_text)
        if change_rows
        else lab["no_changes"].format(since=since_text)
    )
    return base | {
        "scope": scope or lab["whole_register"],
        "subprocessors": subprocessor_rows(rows, language, "list"),
        "since": fmt_date(since, language),
        "changes_heading": lab["changes_heading"].format(since=since_text),
        "changes_since": since_text,
        "changes": change_rows,
        "changes_summary": summary,
        "objection_text": lab["objection"].format(days=fmt_days(objection_days, language)),
    }


def _change(c: ChangeRow | Mapping[str, Any]) -> ChangeRow:
    if isinstance(c, ChangeRow):
        return c
    return ChangeRow(
        str(c["change"]), str(c["name"]), str(c["parent"]), c["on"], str(c.get("detail") or "")
    )


def invalid_safeguard(transfer: TransferData, as_of: date | None = None) -> bool:
    """Whether a transfer has no valid safeguard: an invalidated or non-EU mechanism, old SCCs
    after 27 December 2022 (Decision (EU) 2021/914 Art. 4(4)), or anything the rules engine
    found unlawful (e.g. an expired adequacy decision)."""
    if transfer.mechanism in INVALID_MECHANISMS or transfer.verdict == "unlawful":
        return True
    return transfer.mechanism in LEGACY_SCCS and (as_of is None or as_of > LEGACY_SCC_LAST_DAY)


def privacy_notice_context(
    base: dict[str, Any],
    transfers: Sequence[TransferData],
    language: str,
    *,
    as_of: date | None = None,
) -> dict[str, Any]:
    """The "transfers outside the EU/EEA" section of a privacy notice (GDPR Art. 13(1)(f),
    14(1)(f)): per destination, the recipients and the safeguard in plain language. Only
    processing where we are the controller: what we do as a processor is our customers' to
    publish.

    Only valid safeguards are ever named: while a third-country transfer relies on an invalid
    one (Privacy Shield, Safe Harbour, old SCCs after 2022-12-27, an expired adequacy
    decision), the section is refused with the list of those transfers, to be fixed first."""
    relevant = [
        t for t in transfers if t.active and t.is_third_country and t.our_role == "controller"
    ]
    invalid = [t for t in relevant if invalid_safeguard(t, as_of)]
    if invalid:
        raise MissingDataError(
            [
                f"transfer {t.id} to {t.destination_country} ({t.vendor_name}) has no valid safeguard ({t.mechanism})"
                for t in invalid
            ]
        )
    plain = SAFEGUARD_PLAIN[language]
    by_country: dict[str, dict[str, set[str]]] = {}
    for t in relevant:
        entry = by_country.setdefault(
            t.destination_country, {"recipients": set(), "safeguards": set()}
        )
        entry["recipients"].add(t.vendor_name)
        entry["safeguards"].add(plain.get(t.mechanism) or mechanism_name(t.mechanism, language))
    destinations = [
        {
            "country": country_name(code, language),
            "recipients": ", ".join(sorted(v["recipients"], key=str.lower)),
            "safeguard": " ".join(sorted(v["safeguards"])),
        }
        for code, v in sorted(by_country.items(), key=lambda item: country_name(item[0], language))
    ]
    summary = LABELS[language]["destinations" if destinations else "no_destinations"]
    return base | {
        "destinations": destinations,
        "destinations_summary": summary.format(date=base["as_of"], org=base["org"]["name"]),
    }


def invalid_since(transfer: TransferData, language: str) -> str:
    """Why a transfer's recorded mechanism is not a valid safeguard, and since when: the day
    the reference data says it fell (invalidated, or its transition period ended), else the
    engine's own finding (e.g. DPF for HR data the certification does not cover)."""
    lab = LABELS[language]
    mechanism = load_reference().mechanism(transfer.mechanism)
    if transfer.mechanism == "none" or mechanism is None:
        return lab["no_safeguard"]
    fell = mechanism.invalid_from or (
        mechanism.valid_until + timedelta(days=1) if mechanism.valid_until else None
    )
    if fell is not None and transfer.mechanism in INVALID_MECHANISMS | LEGACY_SCCS:
        return lab["invalid_since"].format(date=fmt_date(fell, language))
    errors = [str(r["message"]) for r in transfer.reasons if r.get("severity") == "error"]
    found = " ".join(errors) or " ".join(str(r["message"]) for r in transfer.reasons)
    return lab["not_covered"].format(reason=found) if found else lab["no_safeguard"]


def record_extract_context(
    base: dict[str, Any],
    transfers: Sequence[TransferData],
    language: str,
    *,
    as_of: date | None = None,
) -> dict[str, Any]:
    """The transfers part of the record of processing activities for the supervisory
    authority: for each processing, on whose behalf it is carried out (ourselves as
    controller, Art. 30(1)(e); a named controller when we are its processor, Art. 30(2)(a)
    and (c)), the recipient (an onward transfer marked as made by our sub-processor), country
    and safeguard with its SCC module, with the Art. 49(6) documentation of transfers on the
    second subparagraph of Art. 49(1). No internal verdicts.

    A mechanism that is no valid safeguard (Privacy Shield, old SCCs after 27 December 2022,
    DPF for data its certification does not cover) is never listed as a safeguard: such
    transfers are listed apart, under a heading that says so, with the date it stopped being
    one, because the record must show every transfer that takes place (Art. 30(1)(e))."""
    lab = LABELS[language]
    needs = _Needs()
    rows: list[dict[str, str]] = []
    invalid: list[dict[str, str]] = []
    for t in transfers:
        if not (t.active and t.is_third_country):
            continue
        documentation = label(language, "no_art49")
        if t.mechanism in ART49_SECOND_SUBPARAGRAPH:
            needs.check(f"transfer {t.id}.derogation_documentation", t.derogation_documentation)
            documentation = (t.derogation_documentation or "").strip()
        elif t.mechanism.startswith("derogation_49"):
            given = t.derogation_documentation or t.supplementary_measures
            documentation = (
                given.strip() if given and given.strip() else label(language, "art49_not_required")
            )

        def own(value: Any, name: str, t: TransferData = t) -> Any:
            owner = f"processing “{t.processing_service}”" if t.processing_service else ""
            return localised(value, t.translations, name, language, owner)

        if t.our_role == "processor":
            needs.check(
                f"processing.controller for the transfer {t.id} to {t.vendor_name} (on whose "
                "behalf we process, GDPR Art. 30(2)(a))",
                t.controller,
            )
            behalf = (own(t.controller, "controller") or "").strip()
        else:
            behalf = lab["we_controller"].format(org=base["org"]["name"])
        recipient = (
            lab["onward_by"].format(recipient=t.vendor_name, vendor=t.made_by)
            if t.made_by
            else t.vendor_name
        )
        row = {
            "processing": own(t.processing_service, "service") or t.vendor_name,
            "purposes": joined(own(t.purposes, "purposes")) or label(language, None),
            "behalf": behalf,
            "recipient": recipient,
            "country": country_name(t.destination_country, language),
            "data": terms("data_categories", t.data_categories, language) or label(language, None),
        }
        if invalid_safeguard(t, as_of):
            invalid.append(
                row
                | {
                    "mechanism": mechanism_name(t.mechanism, language)
                    if t.mechanism != "none"
                    else lab["no_safeguard"],
                    "why": invalid_since(t, language),
                }
            )
            continue
        safeguard = safeguard_text(t.mechanism, t.scc_module, language)
        if t.fallback_mechanism and t.fallback_mechanism != t.mechanism:
            safeguard += lab["fallback"].format(
                mechanism=safeguard_text(t.fallback_mechanism, t.scc_module, language)
            )
        rows.append(row | {"safeguard": safeguard, "documentation": documentation})
    needs.done()
    return base | {"transfers": rows, "invalid": invalid}


# --- One entry point -------------------------------------------------------------------------


def build_context(
    kind: str,
    language: str,
    *,
    organisation: OrganisationData | None,
    as_of: date,
    vendor: VendorData | None = None,
    processing: ProcessingData | None = None,
    agreement: AgreementData | None = None,
    transfer: TransferData | None = None,
    transfers: Sequence[TransferData] = (),
    assessment: AssessmentData | None = None,
    subprocessors: Sequence[SubprocessorRow] = (),
    changes: Sequence[ChangeRow] = (),
    since: date | None = None,
    scope: str | None = None,
    country_notes: str | None = None,
    generated_on: date | None = None,
    template_version: str = "builtin",
    options: DocumentOptions | None = None,
    exporter: VendorData | None = None,
    clauses: SccElections | None = None,
) -> dict[str, Any]:
    """The context of ``kind`` in ``language`` from plain register data as of ``as_of``.

    Raises :class:`MissingDataError` listing everything missing at once, ``ValueError`` for an
    unknown kind or language. Inputs per kind: dpa (vendor, processing, agreement,
    subprocessors), scc_annexes (vendor, processing, transfer, subprocessors), tia (vendor,
    transfer evaluated on the assessment date, assessment, country_notes), subprocessor_list
    (subprocessors, changes, since, scope), privacy_notice_section and record_extract
    (transfers)."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; use one of {', '.join(KINDS)}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    needs = _Needs()
    base = needs.part(
        lambda: common(
            organisation, language, as_of, generated_on or date.today(), template_version
        )
    )
    if base is None:
        fallback = OrganisationData("-", "-", "-", "FI")
        base = common(fallback, language, as_of, as_of, template_version)
    required: dict[str, dict[str, object]] = {
        "dpa": {"vendor": vendor},
        "scc_annexes": {"vendor": vendor, "transfer": transfer},
        "tia": {"vendor": vendor, "transfer": transfer, "assessment": assessment},
    }
    for name, value in required.get(kind, {}).items():
        needs.check(name, value)
    if kind == "dpa" and vendor is not None:
        result = needs.part(
            lambda: dpa_context(
                base,
                vendor,
                processing,
                agreement,
                subprocessors,
                language,
                options=options,
                transfers=[t for t in transfers if t.vendor_id == vendor.id],
            )
        )
    elif kind == "scc_annexes" and vendor is not None and transfer is not None:
        result = needs.part(
            lambda: scc_context(
                base,
                vendor,
                processing,
                transfer,
                None,
                subprocessors,
                language,
                exporter=exporter,
                clauses=clauses,
            )
        )
    elif kind == "tia" and vendor is not None and transfer is not None and assessment is not None:
        result = needs.part(
            lambda: tia_context(
                base,
                vendor,
                transfer,
                assessment,
                as_of,
                language,
                country_notes=country_notes,
                processing=processing,
                onward=subprocessors,
                as_of=as_of,
                review_months=(options or DocumentOptions()).review_months,
                exporter=exporter,
            )
        )
    elif kind == "subprocessor_list":
        start = since or date(as_of.year, 1, 1)
        result = needs.part(
            lambda: subprocessor_list_context(
                base,
                scope,
                subprocessors,
                [_change(c) for c in changes],
                start,
                language,
                objection_days=(options or DocumentOptions()).objection_days,
            )
        )
    elif kind == "privacy_notice_section":
        result = needs.part(lambda: privacy_notice_context(base, transfers, language, as_of=as_of))
    elif kind == "record_extract":
        result = needs.part(lambda: record_extract_context(base, transfers, language, as_of=as_of))
    else:
        result = None
    needs.done()
    assert result is not None
    return result


def sample_context(kind: str, language: str) -> dict[str, Any]:
    """A complete context with neutral values, for test-rendering uploaded templates."""
    day = date(2026, 1, 15)
    org = OrganisationData("Example Oy", "1234567-8", "Street 1, 00100 Helsinki", "FI")
    vendor = VendorData(1, "Vendor", "Vendor Ltd", "X-1", "US", "processor")
    processing = ProcessingData(
        "Service", "Hosting", ("support",), ("contact",), ("customers",), measures="Encryption"
    )
    agreement = AgreementData("dpa", day, None, "P1Y", True, None, "P3M", "general", 30)
    transfer = TransferData(
        1,
        "Vendor",
        "US",
        "controller",
        "processor",
        "scc_2021",
        2,
        ("contact",),
        "systematic",
        "storage",
        None,
        None,
        "lawful",
        ({"code": "scc_in_place", "message": "SCCs in place", "citation": "(EU) 2021/914"},),
        vendor_id=vendor.id,
    )
    return build_context(
        kind,
        language,
        organisation=org,
        as_of=day,
        generated_on=day,
        template_version="sample",
        vendor=vendor,
        processing=processing,
        agreement=agreement,
        transfer=transfer,
        transfers=(transfer,),
        assessment=AssessmentData(
            day,
            "adequate",
            None,
            None,
            None,
            None,
            conclusion_reasoning="Reasoning",
            importer_finding="Finding",
        ),
        subprocessors=(SubprocessorRow("Sub Ltd", "IN", "support", "scc_2021"),),
        changes=(ChangeRow("added", "Sub Ltd", "Vendor", day),),
        since=date(2025, 1, 1),
    )
