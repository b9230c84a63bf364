"""The names of the job kinds (kept apart so any domain module may queue any job)."""

TOKEN_USAGE_ROLLUP = "token_usage_rollup"
AUTO_RECEIVE_SHIPMENTS = "auto_receive_shipments"
ERP_SYNC = "erp_sync"
VALIDATE_SUBMISSION = "validate_submission"
SEND_REMINDERS = "send_reminders"
RECONCILE = "reconcile"
DELIVER_WEBHOOKS = "deliver_webhooks"
