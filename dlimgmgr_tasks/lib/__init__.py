"""The plain library: one concept per module, no Invoke CLI. Heavy imports stay inside functions."""
