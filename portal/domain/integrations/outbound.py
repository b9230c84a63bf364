"""Where the portal may send a request: URLs parsed strictly, addresses checked.

    policy = outbound_policy(settings)      # or OutboundPolicy(networks)
    url = await check_url(raw, policy, field="url")   # storing: DomainError URL_NOT_ALLOWED
    addresses = await resolve_allowed(host, port, policy)  # connecting: OutboundRefused

A URL is http or https, without credentials, whitespace or control characters, with a
host (IDNA-encoded) and a port of 1-65535. A host is resolved with the event loop's
``getaddrinfo`` (so every spelling of an IPv4 address it accepts, decimal, hex or octal,
becomes the address it means), and every address it resolves to must be public: not
loopback, private (RFC 1918, CGNAT, ULA), link-local (cloud metadata included),
unspecified, multicast or reserved, IPv4 inside IPv6 checked as IPv4. Networks listed in
``PORTAL_OUTBOUND_ALLOW_NETWORKS`` are admitted anyway. Messages are ours, never the
remote's, and never say which address a name resolved to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import httpx

from portal.domain.errors import DomainError, ErrorCode
from portal.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_URL_LENGTH: Final = 500
RESOLVE_SECONDS: Final = 5.0
REFUSED_NETWORKS: Final[tuple[IPNetwork, ...]] = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",
        "100.64.0.0/10",  # CGNAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata (169.254.169.254)
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        "::/128",
        "::1/128",
        "fc00::/7",  # ULA, AWS metadata (fd00:ec2::254)
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPAT = ipaddress.ip_network("::/96")


class OutboundError(Exception):
    """A call that was not made or did not finish. ``message`` is ours: safe to record."""

    transient = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutboundRefused(OutboundError):
    """The URL or the address it leads to is not allowed; retrying will not help."""


class OutboundUnavailable(OutboundError):
    """The host did not resolve, could not be reached or did not answer in time."""

    transient = True


@dataclass(frozen=True)
class OutboundPolicy:
    """The networks admitted although not public (``PORTAL_OUTBOUND_ALLOW_NETWORKS``)."""

    allow: tuple[IPNetwork, ...] = ()

    def __init__(self, allow: Iterable[IPNetwork] = ()) -> None:
        object.__setattr__(self, "allow", tuple(allow))

    def admits(self, address: IPAddress) -> bool:
        forms = _forms(address)
        if any(form in net for form in forms for net in self.allow if form.version == net.version):
            return True
        return all(_public(form) for form in forms)


def outbound_policy(settings: Settings) -> OutboundPolicy:
    """The policy of a process: public addresses and ``settings.outbound_allow_networks``."""
    return OutboundPolicy(settings.outbound_allow_networks)


def _forms(address: IPAddress) -> list[IPAddress]:
    """The address and every IPv4 address embedded in it (mapped, compatible, 6to4, NAT64)."""
    forms: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            forms.append(address.ipv4_mapped)
        if address.sixtofour:
            forms.append(address.sixtofour)
        if address in _NAT64 or (address in _COMPAT and int(address) > 1):
            forms.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return forms


def _public(address: IPAddress) -> bool:
    if any(address in net for net in REFUSED_NETWORKS if net.version == address.version):
        return False
    return address.is_global and not (address.is_multicast or address.is_reserved)


def parse_url(raw: str) -> httpx.URL:
    """The URL, normalised (lower-case scheme and host, IDNA, no fragment), or refused."""
    if any(not ch.isprintable() or ch.isspace() for ch in raw):
        raise OutboundRefused("The URL contains whitespace or control characters.")
    if len(raw) > MAX_URL_LENGTH:
        raise OutboundRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL:
        raise OutboundRefused("The URL is malformed.") from None
    if url.scheme not in ("http", "https"):
        raise OutboundRefused("The URL must be http or https.")
    if url.userinfo:
        raise OutboundRefused("The URL must not carry credentials (user:password@).")
    if not url.host:
        raise OutboundRefused("The URL has no host.")
    if url.port is not None and not 1 <= url.port <= 65535:
        raise OutboundRefused("The URL's port must be 1 to 65535.")
    return url.copy_with(fragment=None)


async def resolve_allowed(
    host: str, port: int, policy: OutboundPolicy, *, seconds: float | None = None
) -> list[IPAddress]:
    """Every address ``host`` resolves to, if the policy admits them all."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(seconds or RESOLVE_SECONDS):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, TimeoutError):
        raise OutboundUnavailable("The host does not resolve.") from None
    addresses = list(
        dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
    )
    if not addresses:
        raise OutboundUnavailable("The host does not resolve.")
    if not all(policy.admits(address) for address in addresses):
        raise OutboundRefused("The URL points at an address that is not allowed.")
    return addresses


def default_port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


async def check_url(raw: str, policy: OutboundPolicy, *, field: str) -> str:
    """The normalised URL to store, or ``URL_NOT_ALLOWED`` on ``field``.

    A host that does not resolve now is accepted: every connection checks it again.
    """
    try:
        url = parse_url(raw)
        await resolve_allowed(url.raw_host.decode("ascii"), default_port(url), policy)
    except OutboundRefused as exc:
        raise DomainError(ErrorCode.URL_NOT_ALLOWED, f"{field}: {exc.message}", [field]) from None
    except OutboundUnavailable:
        pass
    return str(url)


def display_url(stored: str) -> str:
    """A stored URL as it may be shown: credentials masked (``https://***@host/path``)."""
    try:
        url = httpx.URL(stored)
    except httpx.InvalidURL:
        return "(malformed URL)"
    if url.userinfo:
        url = url.copy_with(username="***", password=None)
    return str(url)
