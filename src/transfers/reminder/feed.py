"""RFC 5545 calendars of deadlines (icalendar), for Outlook and Google Calendar subscriptions.

UIDs derive from the deadline key, so a re-fetched feed updates events instead of duplicating
them; events are all-day on the reported (business) day, with a display alarm.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from transfers.rules.deadlines import Deadline


def uid_for(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest() + "@transfers"


def build_calendar(deadlines: Iterable[Deadline], *, name: str, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//transfers//GDPR transfer register//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-published-ttl", "PT12H")
    for d in deadlines:
        event = Event()
        event.add("uid", uid_for(d.key))
        event.add("dtstamp", now)
        event.add("dtstart", d.report_on)
        event.add("dtend", d.report_on + timedelta(days=1))
        event.add("summary", d.title)
        lines = [
            f"Due: {d.due_on.isoformat()}",
            f"Vendor: {d.vendor_name}",
            f"Kind: {d.kind}",
            f"Basis: {d.citation}",
        ]
        if d.report_on != d.due_on:
            lines.insert(1, f"Reported on the previous business day: {d.report_on.isoformat()}")
        event.add("description", "\n".join(lines))
        event.add("categories", [d.kind])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", d.title)
        alarm.add("trigger", timedelta(days=-7))
        event.add_component(alarm)
        cal.add_component(event)
    ical: bytes = cal.to_ical()
    return ical
