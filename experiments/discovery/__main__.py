"""`python -m experiments.discovery`."""

from experiments.discovery.cli import main

main()
