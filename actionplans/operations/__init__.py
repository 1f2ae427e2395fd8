"""Action plan operations: one function per change, each taking an Actor (tracker.operations).

Each checks who may (actionplans.policy: Denied), the input (Refused with every field's
message), the plan's state (Refused state=True) and versions (Conflict), then writes inside ONE
`change(...)` block, which also writes the audit row. Pages, the JSON API, commands and the demo
data call these; nothing else writes the action plan tables.
"""
