"""Tenants (manufacturers) and their settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.access.tokens import create_token
from portal.domain.errors import DomainError, ErrorCode, check_length, require
from portal.domain.integrations.outbound import OutboundPolicy, check_url
from portal.domain.tenancy import save_fields
from portal.models import Manufacturer, ManufacturerSettings
from portal.models.enums import Role


async def create_manufacturer(name: str) -> tuple[Manufacturer, str]:
    """A new tenant with default settings and its first ``ADMIN`` token (returned raw)."""
    clean = check_length(require(name, "manufacturer"), "manufacturer")
    async with in_transaction():
        if await Manufacturer.exists(name=clean):
            raise DomainError(
                ErrorCode.ALREADY_EXISTS, f"A manufacturer named '{clean}' exists.", ["name"]
            )
        manufacturer = await Manufacturer.create(name=clean)
        await ManufacturerSettings.create(manufacturer=manufacturer)
        _, raw = await create_token(manufacturer.id, Role.ADMIN, label="initial admin")
    return manufacturer, raw


async def settings_of(manufacturer_id: int) -> ManufacturerSettings:
    """Read without locking (``get_or_create`` would lock the row and serialise writers)."""
    settings = await ManufacturerSettings.get_or_none(manufacturer_id=manufacturer_id)
    if settings is None:
        settings, _ = await ManufacturerSettings.get_or_create(manufacturer_id=manufacturer_id)
    return settings


async def get_settings(principal: Principal) -> ManufacturerSettings:
    principal.require(Action.VIEW_SETTINGS)
    return await settings_of(principal.manufacturer_id)


_NON_NEGATIVE_INTS = ("submission_due_days", "tolerance_units", "receipt_after_days")


async def update_settings(
    principal: Principal, *, outbound: OutboundPolicy | None = None, **changes: Any
) -> ManufacturerSettings:
    """Change only the given settings (``None`` leaves one as it is).

    ``erp_base_url`` must be a URL the portal may call under ``outbound`` (default: public
    addresses only), else ``URL_NOT_ALLOWED``.
    """
    principal.require(Action.MANAGE_SETTINGS)
    changes = {name: value for name, value in changes.items() if value is not None}
    for name in _NON_NEGATIVE_INTS:
        if name in changes and not 0 <= changes[name] <= 366:
            raise DomainError(ErrorCode.INVALID, f"{name} must be 0 to 366.", [name])
    threshold = changes.get("document_approval_threshold")
    if threshold is not None and not 0 <= threshold <= 1_000_000:
        raise DomainError(
            ErrorCode.INVALID,
            "documentApprovalThreshold must be 0 to 1,000,000.",
            ["documentApprovalThreshold"],
        )
    if "tolerance_percent" in changes:
        percent = Decimal(str(changes["tolerance_percent"]))
        if not percent.is_finite() or not 0 <= percent <= 100:
            raise DomainError(
                ErrorCode.INVALID, "tolerance_percent must be 0 to 100.", ["tolerancePercent"]
            )
        changes["tolerance_percent"] = percent
    if "erp_base_url" in changes:
        url = str(changes["erp_base_url"]).strip(" ")
        if url:
            url = await check_url(url, outbound or OutboundPolicy(), field="erpBaseUrl")
        changes["erp_base_url"] = url or None
    if "erp_api_key" in changes:
        changes["erp_api_key"] = str(changes["erp_api_key"]).strip()[:500] or None
    if "logistics_secret" in changes:
        secret = str(changes["logistics_secret"]).strip()
        if secret and not 16 <= len(secret) <= 200:
            raise DomainError(
                ErrorCode.INVALID,
                "logisticsSecret must be 16 to 200 characters.",
                ["logisticsSecret"],
            )
        changes["logistics_secret"] = secret or None
    settings = await settings_of(principal.manufacturer_id)
    for name, value in changes.items():
        if not hasattr(settings, name):
            raise DomainError(ErrorCode.INVALID, f"Unknown setting {name}.", [name])
        setattr(settings, name, value)
    await save_fields(settings, *changes)
    return settings


async def get_manufacturer(principal: Principal) -> Manufacturer:
    """The principal's own tenant."""
    return await Manufacturer.get(id=principal.manufacturer_id)
