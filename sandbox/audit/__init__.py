"""The audit trail: one writer (record), the chain (stdlib only), exports."""
