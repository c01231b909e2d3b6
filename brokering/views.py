"""Pages of the brokering app."""
