"""`python -m experiments.sensitivity`."""

from experiments.sensitivity.cli import main

main()
