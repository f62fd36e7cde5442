"""Conditions (a typed, sandboxed expression language), rule sets and explain traces."""
