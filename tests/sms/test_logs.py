"""No full mobile number in any log line, ours or the Twilio client's (issue 10 item 8)."""

from __future__ import annotations

import logging
from datetime import timedelta

from tracker.sms.gateways import gateway_for

MOBILE = "+447911123456"


def test_asking_twilio_about_a_text_logs_no_number(app, twilio, caplog):
    with caplog.at_level(logging.DEBUG):
        found = gateway_for(app).find(MOBILE, "Hi Sam", timedelta(minutes=5))

    assert found is None  # the stand-in answered: the client made a request it could have logged
    assert not [r for r in caplog.records if "7911" in r.getMessage()]
