"""The continuity-of-care window after release, and the appointments that count in it.

PURE: standard library only. National indicator C20 counts a person released with an alcohol need as
engaged when community structured treatment starts on a day from A to A+21 inclusive; the same window
is the one the first community appointment must fall in (P-7 asks, the board shows), and the outcome
is fixed at its end. Every rule, message and query reads the number from here.
"""

from __future__ import annotations

from datetime import date, timedelta

# Days after the actual release A: the window runs from A to A + CONTINUITY_DAYS, both included.
CONTINUITY_DAYS = 21

# Appointments in the community (probation and treatment), as against a court hearing.
COMMUNITY_KINDS = ("probation", "treatment_assessment", "treatment_session")
TREATMENT_KINDS = ("treatment_assessment", "treatment_session")
APPOINTMENT_KINDS = ("court_hearing", *COMMUNITY_KINDS)


def window_end(released_on: date) -> date:
    """The window's last day, when the continuity-of-care outcome is fixed."""
    return released_on + timedelta(days=CONTINUITY_DAYS)


def within(released_on: date, day: date) -> bool:
    """Whether a day falls in the window after this release (A to A+21 inclusive)."""
    return released_on <= day <= window_end(released_on)


NO_COMMUNITY_APPOINTMENT = f"No community appointment booked within {CONTINUITY_DAYS} days of release."
