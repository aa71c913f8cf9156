"""Deadline computation on its edges: business days, renewals, notice, cadence, lead times."""

from __future__ import annotations

from datetime import date

import pytest

from transfers.rules.deadlines import (
    AgreementInput,
    AssessmentInput,
    Deadline,
    LegalEventInput,
    SubprocessorChangeInput,
    TransferInput,
    compute_deadlines,
    due_leads,
    parse_leads,
    previous_business_day,
    review_due,
)


def compute(**kw: object) -> list[Deadline]:
    """The engine with the Finnish business calendar, as the service calls it."""
    return compute_deadlines(holiday_country="FI", **kw)  # type: ignore[arg-type]


def agreement(**kw: object) -> AgreementInput:
    base: dict[str, object] = dict(
        id=1,
        vendor_id=10,
        vendor_name="Acme",
        kind="dpa",
        status="signed",
        start=date(2025, 1, 31),
        term="P1M",
        ends_on=None,
        auto_renew=True,
        renewal_term=None,
        notice_period=None,
        subprocessor_authorisation=None,
        objection_period_days=None,
        owner="legal@example.com",
    )
    base.update(kw)
    return AgreementInput(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "reported"),
    [
        (date(2026, 11, 24), date(2026, 11, 24)),  # Tuesday
        (date(2026, 11, 28), date(2026, 11, 27)),  # Saturday
        (date(2026, 11, 29), date(2026, 11, 27)),  # Sunday
        (date(2026, 12, 6), date(2026, 12, 4)),  # Independence Day, a Sunday
        (date(2027, 12, 6), date(2027, 12, 3)),  # Independence Day, a Monday
        (date(2026, 6, 20), date(2026, 6, 18)),  # Midsummer Day and Eve
        (date(2026, 12, 26), date(2026, 12, 23)),  # Christmas
        (date(2026, 4, 6), date(2026, 4, 2)),  # Easter Monday back over Easter and Good Friday
        (date(2027, 1, 1), date(2026, 12, 31)),  # New Year's Day
    ],
)
def test_previous_business_day_in_finland(day: date, reported: date) -> None:
    assert previous_business_day(day, "FI") == reported


@pytest.mark.parametrize(
    ("completed", "months", "due"),
    [
        (date(2025, 6, 1), 12, date(2026, 6, 1)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 30), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
    ],
)
def test_review_cadence_is_month_end_safe(completed: date, months: int, due: date) -> None:
    assert review_due(completed, months) == due


def test_monthly_renewals_from_31_january_and_notice_longer_than_a_term() -> None:
    found = compute(
        agreements=[agreement(notice_period="P3M")], as_of=date(2026, 3, 1), horizon_days=70
    )
    ends = [d.due_on for d in found if d.kind == "agreement_end"]
    assert ends == [date(2026, 3, 31), date(2026, 4, 30)]
    notices = [d.due_on for d in found if d.kind == "notice_deadline"]
    # Terms end 30 Jun, 31 Jul, 31 Aug...: three months' notice falls 30 Mar, 30 Apr (not drifting).
    assert notices[:2] == [date(2026, 3, 30), date(2026, 4, 30)]


def test_past_renewals_are_not_overdue_but_a_lapsed_fixed_term_is() -> None:
    renewing = compute(
        agreements=[agreement(start=date(2024, 1, 15), term="P1Y")],
        as_of=date(2026, 11, 24),
        horizon_days=60,
    )
    assert all(d.due_on >= date(2026, 11, 24) for d in renewing)
    lapsed = compute(
        agreements=[agreement(start=date(2025, 1, 15), term="P1Y", auto_renew=False)],
        as_of=date(2026, 11, 24),
        horizon_days=60,
    )
    assert [(d.kind, d.due_on) for d in lapsed] == [("agreement_end", date(2026, 1, 15))]


def test_renewal_terms_roll_from_the_anchor_across_several_terms() -> None:
    found = compute(
        agreements=[agreement(start=date(2020, 2, 29), term="P1Y", notice_period="P2M")],
        as_of=date(2026, 11, 24),
        horizon_days=500,
    )
    ends = [d.due_on for d in found if d.kind == "agreement_end"]
    assert ends == [date(2027, 2, 28), date(2028, 2, 29)]
    notices = [d.due_on for d in found if d.kind == "notice_deadline"]
    assert notices == [date(2026, 12, 28), date(2027, 12, 29)]


def test_tia_dpf_legal_event_and_objection_window() -> None:
    t = TransferInput(5, 10, "Acme", "GB", "adequacy", None, True, "legal@example.com")
    dpf = TransferInput(6, 10, "Acme", "US", "dpf", date(2025, 12, 15), True, None)
    found = compute(
        agreements=[
            agreement(
                subprocessor_authorisation="general",
                objection_period_days=30,
                auto_renew=False,
                term=None,
            )
        ],
        assessments=[AssessmentInput(3, 5, 10, "Acme", date(2026, 1, 10), None, "dpo@example.com")],
        transfers=[t, dpf],
        legal_events=[
            LegalEventInput(
                "adequacy:uk",
                date(2031, 12, 27),
                "UK adequacy expires",
                "Decision (EU) 2025/2574",
                countries=("GB",),
            )
        ],
        subprocessor_changes=[
            SubprocessorChangeInput(10, "Acme", 11, "Sub Ltd", date(2026, 11, 20))
        ],
        as_of=date(2026, 11, 24),
        horizon_days=365 * 6,
    )
    by_kind = {d.kind: d for d in found}
    assert by_kind["assessment_review"].due_on == date(2027, 1, 10)
    assert by_kind["dpf_reverification"].due_on == date(2026, 12, 15)
    assert (
        by_kind["legal_event"].due_on == date(2031, 12, 27)
        and by_kind["legal_event"].entity_id == 5
    )
    assert by_kind["objection_window"].due_on == date(2026, 12, 20)
    assert by_kind["objection_window"].report_on == date(2026, 12, 18)


def test_inactive_transfers_raise_no_legal_events() -> None:
    t = TransferInput(5, 10, "Acme", "GB", "adequacy", None, False, None)
    found = compute(
        transfers=[t],
        legal_events=[LegalEventInput("uk", date(2027, 1, 1), "x", "y", countries=("GB",))],
        as_of=date(2026, 11, 24),
        horizon_days=90,
    )
    assert found == []


def _deadline(report_on: date) -> Deadline:
    return Deadline(
        "k", "agreement_end", report_on, report_on, "t", "agreement", 1, 1, "Acme", None, "c"
    )


@pytest.mark.parametrize(
    ("days_left", "due"),
    [
        (100, ()),
        (90, (90,)),
        (31, (90,)),
        (30, (90, 30)),
        (7, (90, 30, 7)),
        (0, (90, 30, 7)),
        (-1, (90, 30, 7, -1)),
    ],
)
def test_due_leads(days_left: int, due: tuple[int, ...]) -> None:
    from datetime import timedelta

    as_of = date(2026, 11, 24)
    assert due_leads(_deadline(as_of + timedelta(days=days_left)), as_of, (90, 30, 7)) == due


def test_parse_leads() -> None:
    assert parse_leads("7,90, 30") == (90, 30, 7)
    with pytest.raises(ValueError):
        parse_leads("soon")
    with pytest.raises(ValueError):
        parse_leads("-3")


def test_legal_event_skips_transfers_ended_before_it() -> None:
    ending = TransferInput(5, 10, "Acme", "GB", "adequacy", None, True, None, date(2027, 6, 30))
    lasting = TransferInput(6, 10, "Acme", "GB", "adequacy", None, True, None, None)
    event = LegalEventInput("uk", date(2027, 12, 27), "UK adequacy expires", "c", countries=("GB",))
    found = compute(
        transfers=[ending, lasting],
        legal_events=[event],
        as_of=date(2026, 11, 24),
        horizon_days=500,
    )
    assert [d.entity_id for d in found] == [6]
