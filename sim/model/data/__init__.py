"""The model's data: the state arrays, named random streams, the pure kernels and tie sums."""
