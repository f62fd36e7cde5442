"""The fleet: signed flow releases pulled from git, and the journals shipped to PostgreSQL (docs/fleet.md)."""
