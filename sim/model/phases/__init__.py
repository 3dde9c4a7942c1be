"""The phases of a week: appointments, enforcement, decision, beliefs, the tally."""
