"""Results: frames, metrics, output files, the terminal report and provenance."""
