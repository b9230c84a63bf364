"""API tokens: random, shown once, stored as a SHA-256 hash, scoped, revocable.

token, raw = await issue_token(principal, role=Role.PARTNER_INVENTORY, partner_code="D1")
principal = await authenticate(raw)          # None when unknown or revoked
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime

from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import get_partner
from portal.domain.errors import DomainError, ErrorCode, check_length
from portal.domain.job_failures import ItemGuard
from portal.domain.tenancy import save_fields, tenants_with, visible_to
from portal.jobs.kinds import TOKEN_USAGE_ROLLUP
from portal.models import ApiToken, TokenUsage
from portal.models.enums import Role

TOKEN_PREFIX = "cpt_"


def generate_raw_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def create_token(
    manufacturer_id: int, role: Role, *, partner_id: int | None = None, label: str = ""
) -> tuple[ApiToken, str]:
    """Write a token row; the raw token is returned once and never stored."""
    if role.is_partner_role != (partner_id is not None):
        raise DomainError(
            ErrorCode.ROLE_NOT_ALLOWED,
            "Partner roles need a partner; manufacturer roles must not have one.",
            field=["role"],
        )
    raw = generate_raw_token()
    token = await ApiToken.create(
        manufacturer_id=manufacturer_id,
        partner_id=partner_id,
        role=role,
        label=check_length(label.strip(), "label"),
        token_hash=hash_token(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 4],
    )
    return token, raw


async def issue_token(
    principal: Principal, *, role: Role, partner_code: str | None = None, label: str = ""
) -> tuple[ApiToken, str]:
    principal.require(Action.MANAGE_TOKENS)
    partner_id: int | None = None
    if partner_code:
        partner = await get_partner(principal, partner_code)
        if not partner.active:
            raise DomainError(ErrorCode.INACTIVE, "The partner is deactivated.", ["partnerCode"])
        partner_id = partner.id
    elif principal.is_partner:
        partner_id = principal.partner_id
    if principal.is_partner and not role.is_partner_role:
        raise DomainError(
            ErrorCode.ROLE_NOT_ALLOWED, "A partner may only issue partner roles.", ["role"]
        )
    return await create_token(principal.manufacturer_id, role, partner_id=partner_id, label=label)


async def revoke_token(principal: Principal, token_id: int) -> ApiToken:
    principal.require(Action.MANAGE_TOKENS)
    token = await visible_tokens(principal).get_or_none(id=token_id)
    if token is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such token.", ["id"])
    if token.revoked_at is not None:
        raise DomainError(ErrorCode.ALREADY_REVOKED, "The token is already revoked.", ["id"])
    token.revoked_at = datetime.now(UTC)
    await token.save(update_fields=["revoked_at"])
    return token


def visible_tokens(principal: Principal) -> QuerySet[ApiToken]:
    principal.require(Action.MANAGE_TOKENS)
    tokens = visible_to(principal, ApiToken)
    return tokens


class UsageRecorder:
    """Notes token use at most once a minute per token and process (no write per request)."""

    def __init__(self, interval_seconds: float = 60.0) -> None:
        self.interval = interval_seconds
        self._last: dict[int, float] = {}

    async def record(self, token_id: int, manufacturer_id: int) -> None:
        now = time.monotonic()
        if now - self._last.get(token_id, -self.interval) < self.interval:
            return
        self._last[token_id] = now
        await TokenUsage.create(
            manufacturer_id=manufacturer_id, token_id=token_id, used_at=datetime.now(UTC)
        )


async def authenticate(raw: str, recorder: UsageRecorder | None = None) -> Principal | None:
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = await ApiToken.get_or_none(token_hash=hash_token(raw)).select_related("partner")
    if token is None or token.revoked_at is not None:
        return None
    if token.partner is not None and not token.partner.active:
        return None
    if recorder is not None:
        await recorder.record(token.id, token.manufacturer_id)
    return Principal(
        manufacturer_id=token.manufacturer_id,
        role=Role(token.role),
        partner_id=token.partner_id,
        token_id=token.id,
    )


async def roll_up_token_usage() -> int:
    """Fold buffered usage rows into ``ApiToken.last_used_at``; returns tokens updated.

    Each token under a guard: one that fails is recorded in its manufacturer's
    ``jobFailures`` and skipped (its usage rows are dropped with the others)."""
    guard: ItemGuard | None = None
    folded = 0
    for m in await tenants_with(TokenUsage.all()):
        usage = TokenUsage.filter(manufacturer_id=m)
        rows = await usage.order_by("id").limit(10_000).values("id", "token_id", "used_at")
        if not rows:
            continue
        latest: dict[int, datetime] = {}
        for row in rows:
            if row["used_at"] > latest.get(row["token_id"], row["used_at"].min.replace(tzinfo=UTC)):
                latest[row["token_id"]] = row["used_at"]
        guard = guard or await ItemGuard.open(TOKEN_USAGE_ROLLUP)
        for token in await ApiToken.filter(manufacturer_id=m, id__in=list(latest)):

            async def fold(token: ApiToken = token, used_at: datetime = latest[token.id]) -> None:
                if token.last_used_at is None or token.last_used_at < used_at:
                    token.last_used_at = used_at
                    await save_fields(token, "last_used_at")

            await guard.run(m, f"token {token.id}", fold)
        await usage.filter(id__lte=rows[-1]["id"]).delete()
        folded += len(latest)
    return folded
