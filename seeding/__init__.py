"""Seeding: demo content and synthetic data at scale, above every other app.

Nothing imports this app; it imports the apps it fills (standards, catalog, brokering,
marketplace) and writes only through their services. ``seed_demo`` loads the data
files in ``seeding/data/``; ``seed_scale`` generates the data ``make bench`` measures.
"""
