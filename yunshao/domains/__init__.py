"""Power items (权力事项) declared as data: each domain's nodes, their order, prerequisites, approvers and
thresholds (docs/domains.md). The contract's node vocabulary, the sequence features and the SEQ-PREREQ
rule all read these declarations; a county adds a domain by adding a file to a folder it names.
"""
