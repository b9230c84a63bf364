"""Bounds of what enters the portal: text, quantities and business dates.

Every input that is stored passes one of these checks, whichever door it came through
(GraphQL, file rows, the ERP feed): :mod:`.text` (lengths and characters),
:mod:`.quantities` (one range, strict integer parsing) and :mod:`.dates` (a sane window
around today). The limits are documented in ``docs/domain.md`` and ``docs/files.md``.
"""
