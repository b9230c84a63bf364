"""The end-customer registry: the same customer spelled two ways is one customer.

normalize("ACME Robotics, Inc.") == normalize("Acme  Robotics") == "acme robotics"
"""

from __future__ import annotations

import re
import unicodedata

from tortoise.exceptions import IntegrityError

from portal.models import EndCustomer

LEGAL_SUFFIXES = {
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "limited",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "bv",
    "nv",
    "co",
    "corp",
    "corporation",
    "company",
    "plc",
    "pty",
    "kk",
    "oy",
    "ab",
    "as",
    "spa",
    "sl",
    "kg",
    "se",
    "lp",
    "llp",
    "pte",
    "pvt",
}
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def normalize(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _PUNCTUATION.sub(" ", text.lower()).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def customer_key(name: str, country: str) -> str:
    return f"{normalize(name)}|{country.strip().upper()}"


async def resolve(
    manufacturer_id: int, name: str, country: str, postal_code: str = ""
) -> EndCustomer:
    """The registry entry for this customer, created on first sight."""
    key = customer_key(name, country)
    found = await EndCustomer.get_or_none(manufacturer_id=manufacturer_id, key=key)
    if found is not None:
        return found
    try:
        return await EndCustomer.create(
            manufacturer_id=manufacturer_id,
            key=key,
            name=name.strip()[:300],
            country=country.strip().upper()[:2],
            postal_code=postal_code.strip()[:20],
        )
    except IntegrityError:  # created concurrently
        return await EndCustomer.get(manufacturer_id=manufacturer_id, key=key)
