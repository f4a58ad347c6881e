"""The statutory clock against dates worked out by hand from a printed calendar."""

from __future__ import annotations

from datetime import date

import pytest

from foi.bank_holidays import HolidayCalendar
from foi.clock import (
    ClockEvent,
    add_working_days,
    calendar_from_govuk,
    deadline,
    deadline_with_events,
    default_calendar,
    explain,
    ico_complaint_deadline,
    internal_review_due,
    merge_calendars,
    non_working_reason,
    working_days_between,
)

D = date

# (received, regime, expected due). Day of receipt is day 0; "(n)" is the working-day count.
# Hand-checked against month grids; with no holidays 20 working days = 4 weeks.
DUE_ROWS = [
    # Ordinary month: Wed 1 Jun 2016, no holidays in June anywhere -> Wed 29 Jun.
    (D(2016, 6, 1), "foia", D(2016, 6, 29)),
    (D(2016, 6, 1), "foisa", D(2016, 6, 29)),
    # Fri 3 Jun 2016 -> +4 weeks = Fri 1 Jul; Sat 4 and Sun 5 Jun give the same day.
    (D(2016, 6, 3), "foia", D(2016, 7, 1)),
    (D(2016, 6, 4), "foia", D(2016, 7, 1)),
    (D(2016, 6, 5), "foia", D(2016, 7, 1)),
    (D(2016, 6, 4), "foisa", D(2016, 7, 1)),
    # Christmas 2016: Fri 16 Dec; 19-23 (1-5); Mon 26 Boxing, Tue 27 Christmas substitute;
    # 28-30 (6-8); Mon 2 Jan New Year substitute; Tue 3 Jan 2 January substitute (Scotland,
    # so FOIA skips it everywhere); 4-6 (9-11); 9-13 (12-16); 16-19 (17-20) -> Thu 19 Jan.
    (D(2016, 12, 16), "foia", D(2017, 1, 19)),
    (D(2016, 12, 16), "eir", D(2017, 1, 19)),
    (D(2016, 12, 16), "foisa", D(2017, 1, 19)),
    # Christmas 2024: Fri 13 Dec; 16-20 (1-5); 23-24 (6-7); 25, 26 off; 27 (8); 30-31 (9-10);
    # Wed 1 Jan off; Thu 2 Jan off (Scotland); 3 (11); 6-10 (12-16); 13-16 (17-20) -> 16 Jan.
    (D(2024, 12, 13), "foia", D(2025, 1, 16)),
    (D(2024, 12, 13), "foisa", D(2025, 1, 16)),
    # Easter 2016, FOIA: Thu 10 Mar; 11 (1); 14-16 (2-4); Thu 17 St Patrick's (NI) off; 18 (5);
    # 21-24 (6-9); Fri 25 Good Friday; Mon 28 Easter Monday; 29-31, 1 Apr (10-13);
    # 4-8 Apr (14-18); 11, 12 (19-20) -> Tue 12 Apr.
    (D(2016, 3, 10), "foia", D(2016, 4, 12)),
    # Same under FOISA: 17 Mar and Easter Monday are working days in Scotland; 11 (1);
    # 14-18 (2-6); 21-24 (7-10); 25 off; 28 Mar-1 Apr (11-15); 4-8 Apr (16-20) -> Fri 8 Apr.
    (D(2016, 3, 10), "foisa", D(2016, 4, 8)),
    # 12 July 2019 (Fri, NI): Fri 5 Jul; 8-11 (1-4); 12 off; 15-19 (5-9); 22-26 (10-14);
    # 29 Jul-2 Aug (15-19); Mon 5 Aug Scottish summer holiday off; Tue 6 Aug (20).
    (D(2019, 7, 5), "foia", D(2019, 8, 6)),
    # FOISA counts 12 Jul: 8-12 (1-5); 15-19 (6-10); 22-26 (11-15); 29 Jul-2 Aug (16-20).
    (D(2019, 7, 5), "foisa", D(2019, 8, 2)),
    # August 2019, first Monday (5, Scotland) vs last Monday (26, E&W and NI): Fri 26 Jul;
    # 29 Jul-2 Aug (1-5); 5 off; 6-9 (6-9); 12-16 (10-14); 19-23 (15-19); FOIA: 26 off,
    # Tue 27 (20). FOISA: Mon 26 is a Scottish working day (20).
    (D(2019, 7, 26), "foia", D(2019, 8, 27)),
    (D(2019, 7, 26), "foisa", D(2019, 8, 26)),
    # Last Monday only: Fri 9 Aug 2019; 12-16 (1-5); 19-23 (6-10); FOIA: 26 off; 27-30 (11-14);
    # 2-6 Sep (15-19); Mon 9 Sep (20). FOISA: 26 counts (11); 27-30 (12-15); 2-6 Sep (16-20).
    (D(2019, 8, 9), "foia", D(2019, 9, 9)),
    (D(2019, 8, 9), "foisa", D(2019, 9, 6)),
    # St Andrew's Day on Sat 30 Nov 2019 -> Mon 2 Dec substitute (Scotland): Fri 15 Nov;
    # 18-22 (1-5); 25-29 (6-10); 2 Dec off; 3-6 (11-14); 9-13 (15-19); Mon 16 Dec (20).
    (D(2019, 11, 15), "foia", D(2019, 12, 16)),
    (D(2019, 11, 15), "foisa", D(2019, 12, 16)),
    # St Andrew's Day became a bank holiday by a 2007 Act: Thu 30 Nov 2006 was a working day.
    # Thu 16 Nov 2006; 17 (1); 20-24 (2-6); 27 Nov-1 Dec (7-11); 4-8 (12-16); 11-14 (17-20).
    (D(2006, 11, 16), "foia", D(2006, 12, 14)),
    # Leap year: Mon 15 Feb 2016; 16-19 (1-4); 22-26 (5-9); Mon 29 Feb (10); 1-4 Mar (11-14);
    # 7-11 (15-19); Mon 14 Mar (20). (15 Feb + 28 days in a leap year = 14 Mar.)
    (D(2016, 2, 15), "foia", D(2016, 3, 14)),
    # Platinum Jubilee 2022: spring holiday moved from Mon 30 May to Thu 2 Jun, plus Fri 3 Jun.
    # Fri 20 May; 23-27 (1-5); 30, 31, 1 Jun (6-8); 2, 3 off; 6-10 (9-13); 13-17 (14-18);
    # 20, 21 (19-20) -> Tue 21 Jun.
    (D(2022, 5, 20), "foia", D(2022, 6, 21)),
    (D(2022, 5, 20), "foisa", D(2022, 6, 21)),
    # Queen's funeral, Mon 19 Sep 2022: Mon 12 Sep; 13-16 (1-4); 19 off; 20-23 (5-8);
    # 26-30 (9-13); 3-7 Oct (14-18); 10, 11 (19-20) -> Tue 11 Oct.
    (D(2022, 9, 12), "foia", D(2022, 10, 11)),
    # Coronation, Mon 8 May 2023 (and early May Mon 1 May): Tue 25 Apr; 26-28 (1-3); 1 off;
    # 2-5 (4-7); 8 off; 9-12 (8-11); 15-19 (12-16); 22-25 (17-20) -> Thu 25 May.
    (D(2023, 4, 25), "foia", D(2023, 5, 25)),
    # Scotland's World Cup bank holiday, Mon 15 Jun 2026 (proclaimed Feb 2026): Fri 5 Jun;
    # 8-12 (1-5); 15 off; 16-19 (6-9); 22-26 (10-14); 29-30 (15-16); 1-3 Jul (17-19); Mon 6 Jul.
    (D(2026, 6, 5), "foia", D(2026, 7, 6)),
    (D(2026, 6, 5), "foisa", D(2026, 7, 6)),
]


@pytest.mark.parametrize(("received", "regime", "due"), DUE_ROWS)
def test_due_dates(received: date, regime, due: date) -> None:
    assert deadline(received, regime).due == due


# (received, school, expected very_overdue_after)
VERY_OVERDUE_ROWS = [
    # Wed 1 Jun 2016: 20th = 29 Jun; 30 Jun, 1 Jul (21-22); 4-8 (23-27); 11 (28);
    # Tue 12 Jul Boyne (NI) off; 13-15 (29-31); 18-22 (32-36); 25-28 (37-40) -> Thu 28 Jul.
    (D(2016, 6, 1), False, D(2016, 7, 28)),
    # Schools, 60: 29 Jul (41); Mon 1 Aug Scottish summer holiday off; 2-5 Aug (42-45);
    # 8-12 (46-50); 15-19 (51-55); 22-26 (56-60) -> Fri 26 Aug (29 Aug holiday is after).
    (D(2016, 6, 1), True, D(2016, 8, 26)),
    # Christmas 2016 row continued: 19 Jan (20); 20 (21); 23-27 (22-26); 30 Jan-3 Feb (27-31);
    # 6-10 (32-36); 13-16 (37-40) -> Thu 16 Feb 2017.
    (D(2016, 12, 16), False, D(2017, 2, 16)),
]


@pytest.mark.parametrize(("received", "school", "very"), VERY_OVERDUE_ROWS)
def test_very_overdue(received: date, school: bool, very: date) -> None:
    assert deadline(received, school=school).very_overdue_after == very


def test_reasons_name_the_holiday_and_nations() -> None:
    assert non_working_reason(D(2016, 12, 26)) == "Boxing Day (all UK)"
    assert non_working_reason(D(2016, 3, 17)) == "St Patrick's Day (Northern Ireland)"
    assert non_working_reason(D(2016, 3, 17), "foisa") is None
    assert non_working_reason(D(2016, 3, 28)) == (
        "Easter Monday (England and Wales, Northern Ireland)"
    )
    assert non_working_reason(D(2016, 3, 28), "foisa") is None
    assert non_working_reason(D(2016, 3, 25), "foisa") == "Good Friday (all UK)"
    assert non_working_reason(D(2019, 12, 2)) == "St Andrew's Day substitute (Scotland)"
    assert non_working_reason(D(2016, 12, 24)) == "Saturday"
    assert non_working_reason(D(2016, 12, 25)) == "Sunday"
    assert non_working_reason(D(2016, 6, 1)) is None
    assert non_working_reason(D(2006, 11, 30), "foisa") is None
    assert non_working_reason(D(2007, 11, 30), "foisa") == "St Andrew's Day (Scotland)"


def test_explain_lists_holidays_not_weekends() -> None:
    assert explain(deadline(D(2016, 12, 16))) == [
        "2016-12-26 Boxing Day (all UK)",
        "2016-12-27 Christmas Day substitute (all UK)",
        "2017-01-02 New Year's Day substitute (all UK); 2 January (Scotland)",
        "2017-01-03 2 January substitute (Scotland)",
    ]
    d = deadline(D(2016, 3, 10))
    assert [s.day for s in d.skipped if s.reason not in ("Saturday", "Sunday")] == [
        D(2016, 3, 17),
        D(2016, 3, 25),
        D(2016, 3, 28),
    ]
    assert len(d.skipped) == 3 + 10  # five weekends between 10 Mar and 12 Apr


def test_add_working_days_and_between() -> None:
    assert add_working_days(D(2016, 6, 3), 0) == (D(2016, 6, 3), ())
    day, skipped = add_working_days(D(2016, 6, 3), 1)  # Fri -> Mon, over a weekend
    assert day == D(2016, 6, 6)
    assert [s.reason for s in skipped] == ["Saturday", "Sunday"]
    assert working_days_between(D(2016, 12, 16), D(2017, 1, 19)) == 20
    assert working_days_between(D(2016, 12, 16), D(2017, 1, 19), "foisa") == 20
    assert working_days_between(D(2016, 3, 10), D(2016, 4, 12), "foisa") == 22
    assert working_days_between(D(2016, 6, 3), D(2016, 6, 3)) == 0
    assert working_days_between(D(2016, 6, 3), D(2016, 6, 1)) == 0
    assert working_days_between(D(2016, 6, 3), D(2016, 6, 5)) == 0
    assert working_days_between(D(2016, 6, 3), D(2016, 6, 6)) == 1
    with pytest.raises(ValueError, match="n must be"):
        add_working_days(D(2016, 6, 3), -1)
    with pytest.raises(ValueError, match="unknown regime"):
        deadline(D(2016, 6, 3), "gdpr")  # type: ignore[arg-type]


def test_clarification_restarts_the_clock() -> None:
    events = [
        ClockEvent("clarification_requested", D(2016, 4, 8)),
        ClockEvent("clarification_received", D(2016, 5, 3)),
    ]
    d = deadline_with_events(D(2016, 4, 5), events)
    # Tue 3 May is the new day 0: 4-6 (1-3); 9-13 (4-8); 16-20 (9-13); 23-27 (14-18);
    # Mon 30 May spring holiday off; 31 (19); Wed 1 Jun (20).
    assert d.due == D(2016, 6, 1)
    # 2-3 Jun (21-22); 6-10 (23-27); 13-17 (28-32); 20-24 (33-37); 27-29 (38-40).
    assert d.very_overdue_after == D(2016, 6, 29)
    assert "clock restarted 2016-05-03: clarification received (20 working days from here)" in (
        d.notes
    )
    assert explain(d)[0] == "2016-05-30 Spring Bank Holiday (all UK)"
    assert d.stopped_since is None


def test_clarification_pending_shows_earliest_due() -> None:
    d = deadline_with_events(D(2016, 4, 5), [ClockEvent("clarification_requested", D(2016, 4, 8))])
    # As if clarified on Fri 8 Apr: 11-15 (1-5); 18-22 (6-10); 25-29 (11-15);
    # Mon 2 May early May holiday off; 3-6 (16-19); Mon 9 May (20).
    assert d.due == D(2016, 5, 9)
    assert d.stopped_since == D(2016, 4, 8)


def test_fees_notice_pauses_the_clock() -> None:
    events = [ClockEvent("fees_paid", D(2016, 6, 23)), ClockEvent("fees_notice", D(2016, 6, 13))]
    d = deadline_with_events(D(2016, 6, 6), events)
    # Mon 6 Jun; 7-10 used (4); notice Mon 13 to payment Thu 23 disregarded: 13-17, 20-23 (9).
    # 16 left after 23 Jun: 24 (1); 27 Jun-1 Jul (2-6); 4-8 (7-11); 11 (12); 12 Jul Boyne off;
    # 13-15 (13-15); Mon 18 Jul (16).
    assert d.due == D(2016, 7, 18)
    assert d.paused_days == 9
    assert d.due == add_working_days(D(2016, 6, 6), 20 + 9)[0]
    assert "clock paused 2016-06-13: fees notice issued (4 working days used)" in d.notes
    assert explain(d)[0] == "2016-07-12 Battle of the Boyne (Northern Ireland)"


def test_fees_notice_on_day_of_receipt() -> None:
    events = [ClockEvent("fees_notice", D(2016, 6, 6)), ClockEvent("fees_paid", D(2016, 6, 8))]
    d = deadline_with_events(D(2016, 6, 6), events)
    # Only 7 and 8 Jun are disregarded; 20 full days from Wed 8 Jun -> Wed 6 Jul.
    assert (d.due, d.paused_days) == (D(2016, 7, 6), 2)


def test_bad_event_sequences() -> None:
    with pytest.raises(ValueError, match="without an unpaid fees notice"):
        deadline_with_events(D(2016, 6, 6), [ClockEvent("fees_paid", D(2016, 6, 8))])
    with pytest.raises(ValueError, match="before the request was received"):
        deadline_with_events(D(2016, 6, 6), [ClockEvent("fees_notice", D(2016, 6, 1))])
    with pytest.raises(ValueError, match="unknown clock event"):
        deadline_with_events(D(2016, 6, 6), [ClockEvent("lost_in_post", D(2016, 6, 8))])


def test_public_interest_extension() -> None:
    received = D(2016, 6, 1)  # due 29 Jun; 40th working day Thu 28 Jul (rows above)
    d = deadline_with_events(received, [ClockEvent("extended", D(2016, 6, 20))])
    assert (d.due, d.extended_to, d.effective_due) == (
        D(2016, 6, 29),
        D(2016, 7, 28),
        D(2016, 7, 28),
    )
    assert "2016-07-12 Battle of the Boyne (Northern Ireland)" in explain(d)
    d = deadline_with_events(received, [ClockEvent("extended", D(2016, 6, 20), D(2016, 7, 20))])
    assert d.extended_to == D(2016, 7, 20)
    eir = deadline_with_events(received, [ClockEvent("extended", D(2016, 6, 20))], "eir")
    assert eir.extended_to == D(2016, 7, 28)
    with pytest.raises(ValueError, match="20 further working days"):
        deadline_with_events(received, [ClockEvent("extended", D(2016, 6, 20), D(2016, 7, 29))])
    with pytest.raises(ValueError, match="EIR reg 7"):
        deadline_with_events(
            received, [ClockEvent("extended", D(2016, 6, 20), D(2016, 7, 29))], "eir"
        )
    with pytest.raises(ValueError, match="FOISA has no public-interest extension"):
        deadline_with_events(received, [ClockEvent("extended", D(2016, 6, 20))], "foisa")


def test_internal_review_and_ico() -> None:
    # Review asked Wed 1 Jun 2016: 20 -> 29 Jun; 40 -> 28 Jul (same counts as the rows above).
    assert internal_review_due(D(2016, 6, 1)) == D(2016, 6, 29)
    assert internal_review_due(D(2016, 6, 1), complex_case=True) == D(2016, 7, 28)
    assert internal_review_due(D(2016, 6, 1), regime="eir") == D(2016, 7, 28)
    assert internal_review_due(D(2016, 6, 1), regime="foisa") == D(2016, 6, 29)
    with pytest.raises(ValueError, match="FOISA"):
        internal_review_due(D(2016, 6, 1), complex_case=True, regime="foisa")
    # 6 calendar weeks, holidays irrelevant: Fri 16 Dec 2016 + 42 days = Fri 27 Jan 2017.
    assert ico_complaint_deadline(D(2016, 12, 16)) == D(2017, 1, 27)
    # 29 Feb 2016 + 42 days = 11 Apr 2016 (29 Feb + 31 = 31 Mar, + 11).
    assert ico_complaint_deadline(D(2016, 2, 29)) == D(2016, 4, 11)


GOVUK_PAYLOAD = {
    "england-and-wales": {
        "division": "england-and-wales",
        "events": [
            {
                "title": "Boxing Day",
                "date": "2026-12-28",
                "notes": "Substitute day",
                "bunting": True,
            },
        ],
    },
    "scotland": {
        "division": "scotland",
        "events": [
            {"title": "St Andrew\u2019s Day", "date": "2026-11-30", "notes": "", "bunting": True},
            {
                "title": "Boxing Day",
                "date": "2026-12-28",
                "notes": "Substitute day",
                "bunting": True,
            },
        ],
    },
    "northern-ireland": {
        "division": "northern-ireland",
        "events": [
            # Not a real holiday: an invented extra day to show merging adds it.
            {"title": "Extra bank holiday", "date": "2026-09-14", "notes": "", "bunting": True},
            {
                "title": "Boxing Day",
                "date": "2026-12-28",
                "notes": "Substitute day",
                "bunting": True,
            },
        ],
    },
}


def test_calendar_from_govuk() -> None:
    cal = calendar_from_govuk(GOVUK_PAYLOAD)
    assert cal.years == frozenset({2026})
    assert cal.days[D(2026, 11, 30)] == (("scotland", "St Andrew's Day"),)
    assert non_working_reason(D(2026, 12, 28), calendar=cal) == "Boxing Day substitute (all UK)"
    assert non_working_reason(D(2026, 9, 14), calendar=cal) == (
        "Extra bank holiday (Northern Ireland)"
    )
    assert non_working_reason(D(2026, 9, 14), "foisa", calendar=cal) is None
    # Statutory days count even when a calendar leaves them out.
    assert non_working_reason(D(2026, 12, 25), calendar=cal) == "Christmas Day (all UK)"
    assert non_working_reason(D(2026, 4, 3), calendar=cal) == "Good Friday (all UK)"
    with pytest.raises(ValueError, match="no data for 2025"):
        non_working_reason(D(2025, 6, 2), calendar=cal)


def test_merging_govuk_adds_a_day() -> None:
    merged = merge_calendars(calendar_from_govuk(GOVUK_PAYLOAD), default_calendar())
    assert merged.years == default_calendar().years
    # Fri 4 Sep 2026: 7-11 (1-5); 14-18 (6-10); 21-25 (11-15); 28 Sep-2 Oct (16-20) -> Fri 2 Oct.
    assert deadline(D(2026, 9, 4)).due == D(2026, 10, 2)
    # With the extra Mon 14 Sep: 14 off; 15-18 (5-9) ... 2 Oct (19); Mon 5 Oct (20).
    assert deadline(D(2026, 9, 4), calendar=merged).due == D(2026, 10, 5)
    assert deadline(D(2026, 9, 4), "foisa", calendar=merged).due == D(2026, 10, 2)
    # The first calendar names the day for a nation; the default adds nothing twice.
    assert merged.days[D(2026, 11, 30)] == (("scotland", "St Andrew's Day"),)
    assert len(merged.days) == len(default_calendar().days) + 1


def test_default_calendar_is_cached_and_bounded() -> None:
    assert default_calendar() is default_calendar()
    assert isinstance(default_calendar(range(2016, 2017)), HolidayCalendar)
    with pytest.raises(ValueError, match="no data for 2045"):
        deadline(D(2045, 6, 1))
