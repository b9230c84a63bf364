"""A submitted file read back from ``submission_content`` in slices, never whole.

    stored = StoredFile(manufacturer_id, submission_id)
    async for block in stored.slices():   # bytes, SLICE_BYTES at a time
        ...

Each slice is one query (``substring`` on PostgreSQL, ``substr`` on SQLite) on the
connection of the caller's transaction, if any, so a worker holds one slice of the file
at a time whatever its size. The column is stored uncompressed on PostgreSQL
(``STORAGE EXTERNAL``, migration 0024) so that a slice reads only its own TOAST chunks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from tortoise import connections

SLICE_BYTES = 1 << 20

_SLICE = {
    "postgres": "SELECT substring(data FROM $1 FOR $2) AS part FROM submission_content"
    " WHERE manufacturer_id = $3 AND submission_id = $4",
    "sqlite": "SELECT substr(data, ?, ?) AS part FROM submission_content"
    " WHERE manufacturer_id = ? AND submission_id = ?",
}


class StoredFile:
    """The bytes a partner uploaded for a submission (``SubmissionContent.data``)."""

    def __init__(
        self, manufacturer_id: int, submission_id: int, slice_bytes: int | None = None
    ) -> None:
        self.manufacturer_id = manufacturer_id
        self.submission_id = submission_id
        self.slice_bytes = slice_bytes or SLICE_BYTES
        if self.slice_bytes < 1:
            raise ValueError("slice_bytes must be positive")

    async def slices(self) -> AsyncIterator[bytes]:
        """The file from its first byte, one slice per query; can be read again."""
        start = 1  # SQL counts bytes from 1
        while True:
            client = connections.get("default")
            sql = _SLICE["postgres" if client.capabilities.dialect == "postgres" else "sqlite"]
            _, rows = await client.execute_query(
                sql, [start, self.slice_bytes, self.manufacturer_id, self.submission_id]
            )
            part = bytes(rows[0]["part"] or b"") if rows else b""
            if part:
                yield part
            if len(part) < self.slice_bytes:
                return
            start += len(part)

    async def read(self) -> bytes:
        """The whole file (for formats that need it whole: XLSX)."""
        return b"".join([part async for part in self.slices()])
