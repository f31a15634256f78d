"""Matching: how a mission finds its helper (models, engine, modes, ranking, eligibility,
nearby searches and their geometry)."""
