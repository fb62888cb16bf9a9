"""UK mobile numbers in, E.164 out (phonenumbers, Google's libphonenumber rules)."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

# Ofcom's drama range 07700 900000-900999: never allocated, so safe for demo data only.
DRAMA_RANGE = re.compile(r"^\+447700900\d{3}$")


class NotAMobile(ValueError):
    """The input is not a valid mobile number."""


def normalise_mobile(raw: str, allow_drama: bool = False) -> str:
    """The number in E.164 (+447911123456), or NotAMobile saying why not."""
    try:
        number = phonenumbers.parse(raw, "GB")
    except NumberParseException:
        raise NotAMobile("Enter a mobile number, like 07911 123456.") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if allow_drama and DRAMA_RANGE.match(e164):
        return e164
    if not phonenumbers.is_valid_number(number):
        raise NotAMobile("That is not a valid phone number.")
    if phonenumbers.number_type(number) not in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise NotAMobile("That is not a mobile number; texts need a mobile.")
    return e164
