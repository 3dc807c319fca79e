"""Every write outside the workflow: one verb per function, committed through atomic()."""
