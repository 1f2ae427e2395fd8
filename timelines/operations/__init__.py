"""The timelines domain's operations: one function per change (tracker.operations)."""
