"""Staff admin: the church calendar (churches, fasts with their days, profiles) for church
staff; accounts, groups and the token blacklist for superusers only (``site``).

Every page costs a constant number of queries whatever the number of rows: the numbers shown
are stored columns (``Fast.day_count``, ``participant_count``) or one annotation in the
changelist query, related rows come through ``select_related``, and the participants of a fast
are read a page at a time in the membership index's order.

Stored values (calendar summary, participant count) are read-only here; the database keeps
them following the days and memberships, whoever writes those (migration 0004). Date patterns
(weekdays, copies to new dates, dates to confirm) are ``hub.services.fasts``' pure functions;
the admin parses its forms and calls them.
"""

from hub.admin import churches, fasts, profiles, site

__all__ = ["churches", "fasts", "profiles", "site"]
