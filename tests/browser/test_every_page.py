"""Every workspace page, as legal sees it with the sample register: in Finnish and English, at
1280 and 390 px (issue 23 items 4, 7 and 11).

One walk per language and width, each page checked for what a person would notice:
- under ``fi`` no English UI string (a catalog msgid), no English name of a country, mechanism,
  data category or code word, no raw code (``scc_2021``, ``P3Y``, ISO dates);
- at 390 px nothing is wider than the phone (``scrollWidth <= 390``);
- axe-core finds no serious or critical violation;
- the skip link moves focus to ``main``; a form page focuses its first field.

Screenshots of every page in Finnish at both widths land in ``screenshots/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from babel.messages.pofile import read_po

from tests.browser.axe import axe_script
from tests.browser.conftest import CHROMIUM, PASSWORD, SHOTS, USERS, Server
from transfers.reference import lexicon
from transfers.reference.loader import load_reference
from transfers.reference.names import country_names, vocabulary
from transfers.web.i18n import LOCALE_DIR

pytestmark = pytest.mark.slow

#: Pages reached from the menu; record pages are found by following the first link of a kind.
START = [
    "/",
    "/vendors",
    "/check",
    "/check?q=nortwind",
    "/check?vendor_id=1",
    "/vendors?compliance=blocked",
    "/lawful?verdict=unlawful",
    "/lawful",
    "/organisations",
    "/reminders",
    "/intake",
    "/intake/new",
    "/notices",
    "/dpf",
    "/documents",
    "/import",
    "/audit",
    "/admin",
    "/account/password",
    "/vendors/new",
    "/organisations/new",
    "/vendors/999999",
    "/customers",
    "/customers/new",
    "/subprocessor-changes",
    "/subprocessor-changes/new",
]
FOLLOW = re.compile(
    r"^/(vendors/\d+|vendors/\d+/(edit|agreements/new|transfers/new|processings/new|notices/new)"
    r"|transfers/\d+(/edit|/assessments/new)?|assessments/\d+(/edit)?|agreements/\d+/edit"
    r"|processings/\d+/edit|organisations/\d+/edit|intake/\d+|notices/\d+"
    r"|customers/\d+(/edit)?|subprocessor-changes/\d+)$"
)
PER_KIND = 1

VISIBLE_TEXT = """() => {
  const out = [];
  const skip = (el) => el.closest('script,style,cite,code,[lang]:not([lang="fi"]),[hidden]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || skip(el) || el.closest('textarea')) continue;
    const text = n.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title]')) {
    if (skip(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push(v.trim());
    }
  }
  out.push(document.title);
  return out;
}"""


@cache
def _english_catalog() -> tuple[frozenset[str], tuple[str, ...]]:
    """(UI strings, longer UI strings) whose Finnish differs: any of them on a Finnish page is
    an untranslated string."""
    with (LOCALE_DIR / "fi" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    whole: set[str] = set()
    for m in catalog:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for msgid in ids:
            if msgid and "%(" not in msgid and msgid not in strings and re.search("[a-z]", msgid):
                whole.add(msgid)
    long = tuple(sorted((w for w in whole if len(w.split()) >= 3), key=len, reverse=True))
    return frozenset(whole), long


@cache
def _english_names() -> tuple[frozenset[str], tuple[str, ...]]:
    """English reference-data names that differ from the Finnish ones (each must be a whole
    text, or start one that goes on with a parenthesis)."""
    pairs: list[tuple[str, str]] = [(c["en"], c["fi"]) for c in country_names().values()]
    pairs += [(m.name, m.name_fi) for m in load_reference().mechanisms()]
    for table in vocabulary().values():
        pairs += [(v["en"], v["fi"]) for v in table.values()]
    for table in lexicon.groups().values():
        pairs += [(v["en"], v["fi"]) for v in table.values()]
    english = {en for en, fi in pairs if en != fi and en.lower() != fi.lower()}
    single = frozenset(e for e in english if " " not in e)
    multi = tuple(sorted((e for e in english if " " in e), key=len, reverse=True))
    return single, multi


@cache
def _raw_codes() -> tuple[frozenset[str], re.Pattern[str]]:
    codes: set[str] = set()
    for table in lexicon.groups().values():
        codes.update(table)
    for table in vocabulary().values():
        codes.update(table)
    codes.update(m.code for m in load_reference().mechanisms())
    with_underscore = sorted((c for c in codes if "_" in c), key=len, reverse=True)
    pattern = re.compile(
        r"\b(" + "|".join(map(re.escape, with_underscore)) + r")\b"
        r"|\bP\d+[YMWD]\b|\b\d{4}-\d{2}-\d{2}\b|\$\.[a-z_]"
    )
    return frozenset(codes), pattern


#: Words that are the same in both languages or are names of the product and its API.
ALLOWED = {"transfers", "API", "DPF", "Y-tunnus", "Singapore", "English", "suomi", "OK"}


def english_in(texts: list[str]) -> list[str]:
    """What on a Finnish page is English or a raw code."""
    whole, long = _english_catalog()
    single, multi = _english_names()
    codes, pattern = _raw_codes()
    found: list[str] = []
    for text in texts:
        if text in ALLOWED:
            continue
        if text in whole or text in single or text in codes:
            found.append(text)
            continue
        # a name is a label of its own (a cell, an option, "name (moduuli 2)"); inside free
        # text a person typed (notes) it is their English, not the page's
        hit = next((w for w in long if w in text), None) or next(
            (n for n in multi if text == n or text.startswith(n + " (")), None
        )
        if hit:
            found.append(f"{hit!r} in {text!r}")
            continue
        raw = pattern.search(text)
        if raw:
            found.append(f"{raw.group(0)!r} in {text!r}")
    return found


def _walk(page: Any, base: str) -> Iterator[str]:
    """Every start page, then the first link of each kind of record page found on them."""
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    queue = list(START)
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        yield path
        hrefs = page.eval_on_selector_all(
            "main a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
        )
        for href in hrefs:
            href = href.split("#")[0]
            if not FOLLOW.match(href) or href in seen:
                continue
            kind = re.sub(r"\d+", "N", href)
            if kinds.get(kind, 0) >= PER_KIND:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            queue.append(href)
    del base


def _login(page: Any, server: Server, language: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label(re.compile("E-mail|Sähköposti")).fill(USERS["legal"])
    page.get_by_label(re.compile("Password|Salasana")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|Kirjaudu")).click()
    page.wait_for_url(server.url + "/")
    # The language is remembered on the account: an earlier walk may have switched it.
    if page.get_attribute("html", "lang") != language:
        button = "Suomeksi" if language == "fi" else "In English"
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()


@pytest.fixture(scope="module")
def axe() -> str:
    script = axe_script()
    if script is None:  # pragma: no cover - no npm or no network
        pytest.skip("axe-core could not be fetched (npm pack axe-core)")
    return script


AXE_RUN = (
    "async () => (await axe.run(document, {resultTypes: ['violations']}))"
    ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"
)


@pytest.mark.parametrize("language", ["fi", "en"])
def test_every_page_reads_in_its_language_fits_the_phone_and_passes_axe(
    chromium: Any, server: Server, axe: str, language: str
) -> None:
    """One walk per language: each page is read at 1280 px, then the same page is narrowed to
    390 px (the layout reflows without a reload). axe runs on SQLite (at 1280 px in Finnish, at
    390 px in English); PostgreSQL walks in Finnish only (the pages are the same templates over
    the same read model), and Finnish screenshots are taken on SQLite."""
    if server.backend != "sqlite" and language != "fi":
        pytest.skip("the English walk is engine-independent: run on SQLite only")
    context = chromium.new_context(
        viewport={"width": 1280, "height": 844}, locale="en-GB", bypass_csp=True
    )
    page = context.new_page()
    failures: dict[str, list[str]] = {}
    shots = server.backend == "sqlite" and language == "fi"
    name = ""
    try:
        _login(page, server, language)
        for path in _walk_pages(page, server):
            problems: list[str] = []
            name = re.sub(r"[^a-z0-9]+", "-", path.strip("/")) or "today"
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 844})
                if language == "fi" and width == 1280:
                    problems += [
                        f"English or a code: {t}" for t in english_in(page.evaluate(VISIBLE_TEXT))
                    ]
                scroll = page.evaluate("document.scrollingElement.scrollWidth")
                if scroll > width:
                    problems.append(f"{scroll} px wide at {width} px")
                if server.backend == "sqlite" and (language, width) in (("fi", 1280), ("en", 390)):
                    page.evaluate(axe)
                    problems += [f"axe at {width} px: {v}" for v in page.evaluate(AXE_RUN)]
                if shots:
                    SHOTS.mkdir(exist_ok=True)
                    page.screenshot(path=str(SHOTS / f"page-{name}-fi-{width}.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 844})
            if problems:
                failures[path] = problems
    finally:
        context.close()
    SHOTS.mkdir(exist_ok=True)
    report = SHOTS / f"page-problems-{server.backend}-{language}.json"
    report.write_text(json.dumps(failures, indent=1, ensure_ascii=False), encoding="utf-8")
    assert failures == {}


def _walk_pages(page: Any, server: Server) -> Iterator[str]:
    """Open each page of the walk; yields its path once it has loaded."""
    walk = _walk(page, server.url)
    path = next(walk, None)
    while path is not None:
        page.goto(server.url + path)
        yield path
        path = next(walk, None)


def test_focus_lands_on_main_after_the_skip_link_and_on_the_first_field(
    chromium: Any, server: Server
) -> None:
    if server.backend != "sqlite":
        pytest.skip("engine-independent: run on SQLite only")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        _login(page, server, "en")
        page.goto(server.url + "/vendors")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        for path, field in [
            ("/check", "q"),
            ("/vendors/new", "name"),
            ("/organisations/new", "name"),
        ]:
            page.goto(server.url + path)
            focused = page.evaluate(
                "() => [document.activeElement.tagName, document.activeElement.name]"
            )
            assert focused[0] in ("INPUT", "SELECT", "TEXTAREA"), (path, focused)
            if field:
                assert focused[1] == field, (path, focused)
    finally:
        context.close()


del CHROMIUM
