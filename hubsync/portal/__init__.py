"""The portal's schema: what hubsync needs (setup creates it) and the pre-flight check."""
