"""The end-customer registry: the same customer spelled two ways is one customer.

normalize("ACME Robotics, Inc.") == normalize("Acme  Robotics") == "acme robotics"
normalize("华为技术有限公司") == "华为技术" != normalize("中兴通讯股份有限公司")
normalize("Ac\u200bmé Robotics") == "acme robotics"

The one normalisation of customer names (the POS registry, design registrations and
their conflicts all go through :func:`customer_key`): Unicode NFKC and case folding,
invisible format characters dropped, accents of Latin and Greek letters dropped, then
every character that is not a letter, mark or digit (of any script) separates
words, and trailing legal forms ("Inc.", "GmbH", "有限公司", …) are dropped. Keys are
stored (``end_customer.key``): changing this function needs a data migration that
recomputes them (``0012_input_customer_keys``, ``0016_customer_keys_fold_invisible_and_accents``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

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
# Legal forms written without a space before them (Chinese, Japanese), longest first.
ATTACHED_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "有限会社",
)
KEY_LENGTH = 296  # end_customer.key is 300 characters: the name part, "|", the country
_WORD_CATEGORIES = ("L", "M", "N")  # letters, combining marks, digits: of every script


_FOLDED_SCRIPTS = ("LATIN ", "GREEK ")  # accents there are spelling variants, not letters


def _fold_accents(text: str) -> str:
    """Drop the combining marks on Latin and Greek letters ("Müller" = "Muller"); marks of
    other scripts (Devanagari vowel signs, Thai, Arabic, …) are part of their words."""
    decomposed = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    base = ""
    for char in decomposed:
        if unicodedata.category(char) == "Mn":
            if base.startswith(_FOLDED_SCRIPTS):
                continue
        else:
            base = unicodedata.name(char, "")
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name).casefold()
    # invisible format characters (zero-width space and joiners, soft hyphen, bidi
    # controls) join what they sit in, so that "Ac\u200bme" cannot pass for another name
    text = _fold_accents("".join(c for c in text if unicodedata.category(c) != "Cf"))
    spaced = "".join(c if unicodedata.category(c)[0] in _WORD_CATEGORIES else " " for c in text)
    return spaced.split()


def normalize(name: str) -> str:
    words = _words(name)
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    if words:
        last = words[-1]
        for suffix in ATTACHED_SUFFIXES:
            if last.endswith(suffix) and len(last) > len(suffix):
                words[-1] = last[: -len(suffix)]
                break
    return " ".join(words)[:KEY_LENGTH]


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


class CustomerCache:
    """Resolves many customers at once, remembering them for a whole submission."""

    def __init__(self, manufacturer_id: int) -> None:
        self.manufacturer_id = manufacturer_id
        self.ids: dict[tuple[str, str, str], int] = {}
        self._keys: dict[str, int] = {}

    async def resolve_all(
        self, customers: Iterable[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], int]:
        """Ids of these customers; a new one is registered under its first spelling seen."""
        missing = [c for c in dict.fromkeys(customers) if c not in self.ids]
        if missing:
            by_key: dict[str, tuple[str, str, str]] = {}
            for customer in missing:
                by_key.setdefault(customer_key(customer[0], customer[1]), customer)
            await self._load(by_key)
            new = [k for k in by_key if k not in self._keys]
            if new:
                await EndCustomer.bulk_create(
                    [
                        EndCustomer(
                            manufacturer_id=self.manufacturer_id,
                            key=k,
                            name=by_key[k][0].strip()[:300],
                            country=by_key[k][1].strip().upper()[:2],
                            postal_code=by_key[k][2].strip()[:20],
                        )
                        for k in new
                    ],
                    ignore_conflicts=True,
                )
                await self._load({k: by_key[k] for k in new})
            for customer in missing:
                self.ids[customer] = self._keys[customer_key(customer[0], customer[1])]
        return self.ids

    async def _load(self, by_key: dict[str, tuple[str, str, str]]) -> None:
        keys = list(by_key)
        for start in range(0, len(keys), 5000):
            rows = await EndCustomer.filter(
                manufacturer_id=self.manufacturer_id, key__in=keys[start : start + 5000]
            ).values_list("key", "id")
            self._keys.update(dict(rows))
