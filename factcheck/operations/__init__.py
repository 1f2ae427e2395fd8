"""Every change to a fact check: one function per change, grouped by sub-area.

Each takes an Actor and plain input, checks the policy (Denied), the input (Refused with every
field's problem at once), the state (Refused state=True) and the version (Conflict), and writes
in ONE tracker.operations.change block with its audit row. Dated facts go through
inspections.events.record_event, which refuses a history that cannot have happened.
"""
