"""Deadlines from the register, delivered by API, iCalendar feeds and e-mail digests."""
