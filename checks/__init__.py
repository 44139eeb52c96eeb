"""Everything that touches a target: one module per check type, the condition language
(`conditions`), the registry of check types and the concurrent runner.

Probes never raise: every failure becomes a result with an error kind and a message.
"""
