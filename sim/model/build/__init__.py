"""Building a world: population, network, policy schedule, calendar, presence, groups."""
