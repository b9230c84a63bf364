from tortoise import migrations
from tortoise.migrations import operations as ops

# Rows updated in place on every posting (balances, marked keys) leave half of each page
# free, so that PostgreSQL writes the new version on the same page without touching the
# table's indexes (a HOT update). At fillfactor 100, 88 % of the balance updates of
# bench/ledger.py went through all five indexes of stock_balance, and that UPDATE was the
# slowest statement of a posting. The setting applies to pages written from now on: an
# existing database gets it as its balance pages are rewritten (VACUUM FULL stock_balance
# does it at once, under an exclusive lock).
HOT_TABLES = ("stock_balance", "batch_balance", "supply_stock", "reconcile_dirty", "rebate_dirty")


class Migration(migrations.Migration):
    dependencies = [('models', '0041_pos_line_without_fk')]

    initial = False

    operations = [
        ops.RunSQL(
            [f"ALTER TABLE {table} SET (fillfactor = 50)" for table in HOT_TABLES]
            # Only a reversal has reverses_id, and only it is looked up by it: the index
            # keeps reversals alone instead of a NULL for every entry posted (same name, so
            # the models' index list and this schema still describe the same index).
            + [
                "DROP INDEX IF EXISTS idx_ledger_entr_reverse_0a0cb6",
                "CREATE INDEX idx_ledger_entr_reverse_0a0cb6 ON ledger_entry (reverses_id)"
                " WHERE reverses_id IS NOT NULL",
            ]
        ),
    ]
