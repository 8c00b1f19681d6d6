"""The tamper-evident audit trail: an RFC 9162 Merkle log, signed checkpoints, proofs."""
