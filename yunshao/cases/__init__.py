"""Cases: each warning (and each red project without one) followed from assignment to close.

督办 → 核查 → 整改 → 销号: ``lifecycle`` holds the states and the transitions allowed between them,
``store`` keeps cases and their history in the case store, ``sync`` opens and carries cases over from a
run's warnings, ``escalation`` reminds and then escalates overdue cases.
"""
