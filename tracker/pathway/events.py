"""What the pathway announces when it changes, so the features that react need not be called by name.

pathway never imports sms or alerts: a use case sends one of these signals after it has flushed the
change and before its caller commits, and the receivers (connected in each feature's `init_app`) run
there and then, in the same transaction. A text written by a receiver is committed with its cause, and
a receiver that raises undoes the whole change.

Every signal's sender is the record that changed: a Handover or an Appointment, sent with `now`, the
instant of the use case that changed it (a receiver stamps what it writes with that, never the wall
clock), so a receiver is any function of that record and `now`; only a caseload transfer (sender the
Person) also says whose caseload the person left; and an import sends the release handovers it changed
as one tuple of their ids (release_dates_changed_together), with `now`, so receivers read and write for
all at once.
"""

from __future__ import annotations

from blinker import Namespace

_pathway = Namespace()

release_dates_changed = _pathway.signal(
    "release-dates-changed", doc="A release handover's planned or confirmed date was set, moved or withdrawn."
)
release_dates_changed_together = _pathway.signal(
    "release-dates-changed-together",
    doc="Many release handovers' dates changed at once (an imported release list); the sender is the tuple "
    "of their ids, each one a change release_dates_changed would have announced.",
)
released = _pathway.signal("released", doc="The actual release A was recorded on a release handover.")
back_in_custody = _pathway.signal(
    "back-in-custody",
    doc="A released person returned to custody before A+21: their release handover is over.",
)
handover_status_changed = _pathway.signal(
    "handover-status-changed",
    doc="A handover was cancelled (custody ended without release) or closed with its pathway.",
)
appointment_booked = _pathway.signal(
    "appointment-booked", doc="An appointment or a court hearing was booked."
)
appointment_moved = _pathway.signal("appointment-moved", doc="An appointment was moved to another time.")
appointment_cancelled = _pathway.signal("appointment-cancelled", doc="An appointment was cancelled.")
appointment_recorded = _pathway.signal(
    "appointment-recorded", doc="An appointment's outcome was recorded: attended or missed."
)

caseload_transferred = _pathway.signal(
    "caseload-transferred",
    doc="A person moved to another offender manager; the sender is the Person, from_manager_id the old one.",
)

RELEASE_CHANGES = (release_dates_changed, released, back_in_custody, handover_status_changed)
APPOINTMENT_CHANGES = (appointment_booked, appointment_moved, appointment_cancelled, appointment_recorded)
