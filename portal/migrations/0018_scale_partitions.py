from tortoise import migrations
from tortoise.migrations import operations as ops

# PostgreSQL only (SQLite creates its schema from the models): each big table becomes a
# table range-partitioned by month on its date, with the same columns, defaults, id
# sequence, indexes and foreign keys; the primary key gains the date (PostgreSQL requires
# it); monthly partitions cover the last 24 months and the existing rows (from 2000-01 at
# the earliest) to three months ahead, a DEFAULT partition takes anything else; the rows
# are copied over.
# Idempotent: a table that is already partitioned is left alone.
PARTITION_BY_MONTH = r"""
CREATE OR REPLACE FUNCTION pg_temp.portal_partition_by_month(tbl text, col text)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    old text := tbl || '_unpartitioned';
    seq text := pg_get_serial_sequence(tbl, 'id');
    defs text[];
    fks text[];
    def text;
    lo date;
    hi date;
    m date;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
               WHERE c.relname = tbl) THEN
        RETURN;
    END IF;
    EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, old);
    SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid)), '{}') INTO defs
    FROM pg_index i WHERE i.indrelid = old::regclass AND NOT i.indisprimary;
    SELECT coalesce(array_agg(format('ALTER TABLE %I ADD CONSTRAINT %I %s',
                                     tbl, conname, pg_get_constraintdef(oid))), '{}')
    INTO fks FROM pg_constraint WHERE conrelid = old::regclass AND contype = 'f';
    FOR def IN SELECT ci.relname FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
               WHERE i.indrelid = old::regclass AND NOT i.indisprimary LOOP
        EXECUTE format('DROP INDEX %I', def);
    END LOOP;
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT IF EXISTS %I', old, tbl || '_pkey');
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
                   'PARTITION BY RANGE (%I)', tbl, old, col);
    EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id, %I)', tbl, col);
    FOREACH def IN ARRAY defs LOOP
        EXECUTE replace(def, format(' ON public.%s ', old), format(' ON public.%s ', tbl));
    END LOOP;
    FOREACH def IN ARRAY fks LOOP
        EXECUTE def;
    END LOOP;
    EXECUTE format('SELECT min(%I), max(%I) FROM %I', col, col, old) INTO lo, hi;
    lo := date_trunc('month', greatest(least(coalesce(lo, current_date),
                                             (current_date - interval '24 months')::date),
                                       date '2000-01-01'))::date;
    hi := (date_trunc('month', greatest(coalesce(hi, current_date), current_date))
           + interval '3 months')::date;
    m := lo;
    WHILE m <= hi LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       tbl || '_p' || to_char(m, 'YYYY_MM'), tbl, m,
                       (m + interval '1 month')::date);
        m := (m + interval '1 month')::date;
    END LOOP;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tbl || '_default', tbl);
    EXECUTE format('INSERT INTO %I SELECT * FROM %I', tbl, old);
    IF seq IS NOT NULL THEN
        EXECUTE format('ALTER SEQUENCE %s OWNED BY %I.id', seq, tbl);
    END IF;
    EXECUTE format('DROP TABLE %I', old);
    EXECUTE format('ANALYZE %I', tbl);
END
$fn$
"""


class Migration(migrations.Migration):
    dependencies = [('models', '0017_issue_recorded_on')]

    initial = False

    operations = [
        ops.RunSQL(
            [
                PARTITION_BY_MONTH,
                "SELECT pg_temp.portal_partition_by_month('ledger_entry', 'business_date')",
                "SELECT pg_temp.portal_partition_by_month('pos_line', 'sold_on')",
                "SELECT pg_temp.portal_partition_by_month('submission_issue', 'recorded_on')",
            ]
        ),
    ]
