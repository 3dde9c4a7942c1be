"""The engine: the executors, the Mesa agents and the week (UptakeModel)."""
