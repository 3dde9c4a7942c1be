"""The explorer: Mesa's SolaraViz page."""
