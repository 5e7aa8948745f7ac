"""The evaluator: batching, devices, and the loop over tasks × languages."""
