"""Tests end to end: commands as a user types them, launcher kills, notebooks (all marked slow)."""
