"""Incentives: price agreements, ship & debit claims, credit memos and clawbacks."""
