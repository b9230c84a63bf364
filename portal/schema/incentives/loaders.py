"""DataLoaders of incentives, created per request (``info.context.loaders.incentives``)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from portal.domain.incentives.reads import (
    Evidence,
    agreement_lines_of,
    claim_lines_of,
    evidence_of,
    memo_lines_of,
    memos_of_claims,
    rebate_payouts_of,
)
from portal.models import ClaimLine, CreditMemo, CreditMemoLine, PriceAgreementLine, RebatePayout


class IncentiveLoaders:
    def __init__(self, manufacturer_id: int, partner_id: int | None = None) -> None:
        m = manufacturer_id

        async def agreement_lines(ids: Sequence[int]) -> list[list[PriceAgreementLine]]:
            return await agreement_lines_of(m, ids)

        async def claim_lines(ids: Sequence[int]) -> list[list[ClaimLine]]:
            return await claim_lines_of(m, ids)

        async def memos(ids: Sequence[int]) -> list[list[CreditMemo]]:
            return await memos_of_claims(m, ids)

        async def memo_lines(ids: Sequence[int]) -> list[list[CreditMemoLine]]:
            return await memo_lines_of(m, ids)

        async def evidence(ids: Sequence[int]) -> list[list[Evidence]]:
            return await evidence_of(m, ids)

        async def rebate_payouts(ids: Sequence[int]) -> list[list[RebatePayout]]:
            return await rebate_payouts_of(m, partner_id, ids)

        self.agreement_lines = DataLoader(load_fn=agreement_lines)
        self.claim_lines = DataLoader(load_fn=claim_lines)
        self.claim_memos = DataLoader(load_fn=memos)
        self.memo_lines = DataLoader(load_fn=memo_lines)
        self.evidence = DataLoader(load_fn=evidence)
        self.rebate_payouts = DataLoader(load_fn=rebate_payouts)
