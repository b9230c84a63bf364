"""Volume and growth rebate programs: creation, scope and the tier arithmetic.

    program = await create_program(manager, name="FY26 volume", period_from="2026-01",
        period_to="2026-12", measure=RebateMeasure.SELL_IN_VALUE,
        mode=RebateMode.RETROACTIVE, partner_codes=["D1"], skus=["SKU-A"],
        tiers=[(Decimal("0"), Decimal("0")), (Decimal("10000"), Decimal("2"))])
    figures = tier_figures(program, current=Decimal("60000"), base=Decimal("0"),
                           payable=Decimal("60000"))      # attained, rate, next, accrued

Tiers are ``(threshold, rate %)``, thresholds strictly ascending (two tiers at the same
threshold overlap: ``INVALID``), rates 0 to 100. ``RETROACTIVE`` pays all the payable
volume at the rate of the highest tier reached; ``INCREMENTAL`` pays each band between
two thresholds at its own rate. A growth program's thresholds are percent growth over
the same periods one year earlier (``base``); its bands, for ``INCREMENTAL``, are the
volumes ``base x (1 + threshold / 100)``, so volume below the base earns nothing. What is
paid is always the program's value (sell-in or sell-through value: units x the list price
on the business date); on ``SELL_THROUGH_UNITS`` the tiers are read on units and each
band is paid at the average unit value.

Overlapping programs: a sale (a sell-in, or a sell-through, ledger entry) counts in one
program only, the **oldest** (lowest id) open or closed program of the same flow (sell-in
programs among themselves; sell-through units and value programs among themselves)
whose partners, products and periods cover it; a later program never takes volume from
an earlier one, so the same data always gives the same accruals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import get_partner, get_product
from portal.domain.catalog.products import check_currency
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.incentives.codes import money
from portal.domain.periods import Period, parse_period, stored_period
from portal.models import Partner, Product, ProductPrice, RebateProgram, RebateProgramPartner
from portal.models.enums import PartnerTier, RebateInterimSchedule, RebateMeasure, RebateMode

MAX_PERIODS = 120  # ten years of months
MAX_TIERS = 20
MAX_NAMED_PROGRAMS = 10_000  # the newest a partner is named in, listed
MAX_LIST = 1000  # partner codes, SKUs or categories named by one program
HUNDRED = Decimal("100")


@dataclass(frozen=True, slots=True)
class TierFigures:
    attained: Decimal  # volume (units or value), or percent growth for a growth program
    current_rate: Decimal
    next_threshold: Decimal | None
    remaining_to_next: Decimal | None
    accrued: Decimal


def tiers_of(program: RebateProgram) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(t), Decimal(r)) for t, r in program.tiers]


def periods_between(first: Period, last: Period) -> list[Period]:
    out = [first]
    while out[-1].name != last.name:
        out.append(out[-1].next())
    return out


def program_periods(program: RebateProgram) -> list[str]:
    return [
        p.name
        for p in periods_between(
            stored_period(program.period_from), stored_period(program.period_to)
        )
    ]


def year_earlier(period: str) -> str:
    """The same period one year earlier (``2026-10`` -> ``2025-10``, ``2026-W53`` ->
    ``2025-W52`` when that year has no week 53)."""
    year, rest = period.split("-", 1)
    name = f"{int(year) - 1}-{rest}"
    try:
        return stored_period(name).name
    except DomainError:  # week 53 of a 52-week year
        return f"{int(year) - 1}-W52"


def tier_figures(
    program: RebateProgram, *, current: Decimal, base: Decimal, payable: Decimal
) -> TierFigures:
    """Attainment, rate, next threshold and the accrued amount for a volume ``current``
    (units or value, as the measure), the year-earlier ``base`` of a growth program, and
    the value ``payable`` the rate applies to."""
    tiers = tiers_of(program)
    if program.growth:
        attained = (
            ((current - base) * HUNDRED / base).quantize(Decimal("0.01"))
            if base > 0
            else Decimal("0.00")
        )
        bands = [base * (1 + t / HUNDRED) for t, _ in tiers]
    else:
        attained = current
        bands = [t for t, _ in tiers]
    reached = [i for i, (t, _) in enumerate(tiers) if t <= attained]
    index = reached[-1] if reached else -1
    if program.growth and base <= 0:  # no volume a year earlier: growth is undefined
        index = -1  # no tier reached, nothing accrues (whatever the mode)
    rate = tiers[index][1] if index >= 0 else Decimal("0")
    following = tiers[index + 1][0] if index + 1 < len(tiers) else None
    if index < 0:
        accrued = Decimal("0.00")
    elif program.mode is RebateMode.RETROACTIVE:
        accrued = money(payable * rate / HUNDRED)
    elif current > 0:
        weighted = Decimal("0")
        for i, (_, band_rate) in enumerate(tiers):
            top = min(current, bands[i + 1]) if i + 1 < len(bands) else current
            if top > bands[i]:
                weighted += (top - bands[i]) * band_rate
        accrued = money(payable * weighted / (current * HUNDRED))
    else:
        accrued = Decimal("0.00")
    return TierFigures(
        attained=attained,
        current_rate=rate,
        next_threshold=following,
        remaining_to_next=following - attained if following is not None else None,
        accrued=accrued,
    )


async def visible_programs(principal: Principal) -> QuerySet[RebateProgram]:
    """Every program of the manufacturer; for a partner principal, the programs it is in
    (named, or of its tier, or of every partner)."""
    principal.require(Action.VIEW_INVENTORY)
    m = principal.manufacturer_id
    programs = RebateProgram.filter(manufacturer_id=m)
    if principal.partner_id is None:
        return programs
    tier = await Partner.filter(manufacturer_id=m, id=principal.partner_id).values_list(
        "tier", flat=True
    )
    named = await (
        RebateProgramPartner.filter(manufacturer_id=m, partner_id=principal.partner_id)
        .order_by("-program_id")
        .limit(MAX_NAMED_PROGRAMS)
        .values_list("program_id", flat=True)
    )
    return programs.filter(
        Q(named_partners=False, partner_tier__isnull=True)
        | Q(named_partners=False, partner_tier__in=[PartnerTier(t).value for t in tier])
        | Q(id__in=[int(i) for i in named])  # type: ignore[call-overload]
    )


async def program_partner_ids(program: RebateProgram) -> set[int]:
    """The partners the program is for: the named ones, else every partner of its tier,
    else every partner of the manufacturer."""
    if program.partner_ids:
        return set(program.partner_ids)
    partners = Partner.filter(manufacturer_id=program.manufacturer_id)
    if program.partner_tier:
        partners = partners.filter(tier=program.partner_tier)
    return {int(x) for x in await partners.values_list("id", flat=True)}  # type: ignore[call-overload]


async def program_product_ids(program: RebateProgram) -> set[int]:
    ids = set(program.product_ids)
    if program.categories:
        found = await Product.filter(
            manufacturer_id=program.manufacturer_id, category__in=program.categories
        ).values_list("id", flat=True)
        ids |= {int(x) for x in found}  # type: ignore[call-overload]
    return ids


async def program_currency(manufacturer_id: int, requested: str | None) -> str:
    """The program's money: the ``requested`` ISO code (ill-formed: ``INVALID``; one the
    manufacturer has no list price in: ``NOT_FOUND``, both on ``currency``), else the
    manufacturer's list-price currency (its price in force most recently set; USD when
    it has none)."""
    prices = ProductPrice.filter(manufacturer_id=manufacturer_id)
    if requested is not None:
        code = check_currency(requested)
        if not await prices.filter(currency=code).exists():
            raise DomainError(ErrorCode.NOT_FOUND, f"No list price is in {code}.", ["currency"])
        return code
    latest = (
        await prices.filter(valid_from__lte=datetime.now(UTC).date())
        .order_by("-valid_from", "-id")
        .first()
    )
    return latest.currency if latest is not None else "USD"


def _decimal(value: object, field: list[str]) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise DomainError(ErrorCode.INVALID, "Not a number.", field) from error
    if not number.is_finite():
        raise DomainError(ErrorCode.INVALID, "Not a number.", field)
    return number


def check_tiers(tiers: list[tuple[Decimal, Decimal]]) -> list[list[str]]:
    """Tiers ascending by threshold; rates 0-100 %; no two at one threshold."""
    if not tiers:
        raise DomainError(ErrorCode.REQUIRED, "A program has at least one tier.", ["tiers"])
    if len(tiers) > MAX_TIERS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_TIERS} tiers.", ["tiers"])
    checked: list[tuple[Decimal, Decimal]] = []
    for index, (threshold, rate) in enumerate(tiers):
        at = ["tiers", str(index)]
        t = _decimal(threshold, [*at, "threshold"])
        r = _decimal(rate, [*at, "rate"])
        if t < 0:
            raise DomainError(ErrorCode.INVALID, "A threshold is not negative.", [*at, "threshold"])
        if not 0 <= r <= HUNDRED:
            raise DomainError(ErrorCode.INVALID, "A rate is 0 to 100 %.", [*at, "rate"])
        if checked and t <= checked[-1][0]:
            raise DomainError(
                ErrorCode.INVALID,
                "Tiers overlap: thresholds must be strictly ascending.",
                [*at, "threshold"],
            )
        checked.append((t, r))
    return [[str(t), str(r)] for t, r in checked]


async def create_program(
    principal: Principal,
    *,
    name: str,
    period_from: str,
    period_to: str,
    measure: RebateMeasure,
    mode: RebateMode,
    tiers: list[tuple[Decimal, Decimal]],
    growth: bool = False,
    partner_codes: list[str] | None = None,
    partner_tier: PartnerTier | None = None,
    skus: list[str] | None = None,
    categories: list[str] | None = None,
    require_compliance: bool = False,
    currency: str | None = None,
    interim_schedule: RebateInterimSchedule = RebateInterimSchedule.NONE,
    idempotency_key: str | None = None,
) -> RebateProgram:
    """Validate and store a program, then compute its accruals from the ledger so far."""
    principal.require(Action.MANAGE_AGREEMENTS)
    request = {
        "name": name,
        "periodFrom": period_from,
        "periodTo": period_to,
        "measure": measure.value,
        "mode": mode.value,
        "growth": growth,
        "partnerCodes": sorted(partner_codes or []),
        "partnerTier": partner_tier.value if partner_tier else None,
        "skus": sorted(skus or []),
        "categories": sorted(categories or []),
        "tiers": [[str(t), str(r)] for t, r in tiers],
        "requireCompliance": require_compliance,
        "currency": currency,
        "interimSchedule": interim_schedule.value,
    }

    async def create() -> RebateProgram:
        from portal.domain.incentives.rebate_accruals import recompute_program

        clean_name = (name or "").strip()
        if not clean_name:
            raise DomainError(ErrorCode.REQUIRED, "A program has a name.", ["name"])
        if len(clean_name) > 200:
            raise DomainError(ErrorCode.INVALID, "At most 200 characters.", ["name"])
        for field, named in (
            ("partnerCodes", partner_codes),
            ("skus", skus),
            ("categories", categories),
        ):
            if len(named or []) > MAX_LIST:
                raise DomainError(ErrorCode.INVALID, f"At most {MAX_LIST} entries.", [field])
        granularity = (await settings_of(principal.manufacturer_id)).period_granularity
        first = parse_period(period_from, granularity, "periodFrom")
        last = parse_period(period_to, granularity, "periodTo")
        if last.start < first.start:
            raise DomainError(ErrorCode.INVALID, "periodTo is before periodFrom.", ["periodTo"])
        if len(periods_between(first, last)) > MAX_PERIODS:
            raise DomainError(ErrorCode.INVALID, f"At most {MAX_PERIODS} periods.", ["periodTo"])
        checked_tiers = check_tiers(tiers)
        partner_ids = [
            (await get_partner(principal, code, "partnerCodes")).id
            for code in sorted(set(partner_codes or []))
        ]
        if partner_ids and partner_tier is not None:
            raise DomainError(
                ErrorCode.INVALID, "Name partners or a tier, not both.", ["partnerTier"]
            )
        product_ids = [
            (await get_product(principal, sku, "skus")).id for sku in sorted(set(skus or []))
        ]
        clean_categories = sorted({c.strip() for c in categories or [] if c.strip()})
        if not product_ids and not clean_categories:
            raise DomainError(ErrorCode.REQUIRED, "A program names SKUs or categories.", ["skus"])
        money_in = await program_currency(principal.manufacturer_id, currency)
        async with in_transaction():
            program = await RebateProgram.create(
                manufacturer_id=principal.manufacturer_id,
                name=clean_name,
                currency=money_in,
                interim_schedule=interim_schedule,
                period_from=first.name,
                period_to=last.name,
                measure=measure,
                mode=mode,
                growth=growth,
                partner_ids=partner_ids,
                named_partners=bool(partner_ids),
                partner_tier=partner_tier.value if partner_tier else None,
                product_ids=product_ids,
                categories=clean_categories,
                tiers=checked_tiers,
                require_compliance=require_compliance,
                token_id=principal.token_id,
            )
            await RebateProgramPartner.bulk_create(
                [
                    RebateProgramPartner(
                        manufacturer_id=program.manufacturer_id,
                        program_id=program.id,
                        partner_id=partner_id,
                    )
                    for partner_id in partner_ids
                ]
            )
            await recompute_program(program)
        return program

    return await idempotent(
        principal,
        "createRebateProgram",
        idempotency_key,
        request,
        create=create,
        model=RebateProgram,
    )
