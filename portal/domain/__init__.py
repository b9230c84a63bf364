"""The domain layer: every business rule and every write of the portal.

Functions take plain values and the acting :class:`~portal.domain.access.principal.Principal`,
own their transaction and raise :class:`~portal.domain.errors.DomainError` (a business
failure with a stable code) or :class:`~portal.domain.errors.PermissionDenied`.
"""
