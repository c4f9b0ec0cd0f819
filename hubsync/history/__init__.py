"""The run ledger: what each run wrote, `hubsync history` and `hubsync undo`."""
