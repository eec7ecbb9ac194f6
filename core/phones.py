"""Phone numbers as people read them."""

import phonenumbers
from phonenumber_field.phonenumber import PhoneNumber


def readable_phone(number: PhoneNumber | str | None) -> str:
    """A number as a person reads and dials it: 06 12 34 56 78 in France, +44 20 7946 0000 abroad; "" for none.
    Stored numbers are E.164 (+33612345678), which nobody reads aloud nor types on a landline."""
    if not number:
        return ""
    phone = number if isinstance(number, PhoneNumber) else PhoneNumber.from_string(str(number))
    return phone.as_national if phone.country_code == 33 else phone.as_international


def mobile_number(number: PhoneNumber | str | None, *, region: str = "FR") -> PhoneNumber | None:
    """The number when it can receive an SMS (a mobile, or a number its plan does not tell apart), else None: a
    landline, nothing, or something that is not a number."""
    if not number:
        return None
    try:
        phone = number if isinstance(number, PhoneNumber) else PhoneNumber.from_string(str(number), region=region)
    except phonenumbers.NumberParseException:
        return None
    mobile_types = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phone if phone.is_valid() and phonenumbers.number_type(phone) in mobile_types else None
