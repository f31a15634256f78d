"""Missions: posting, finding nearby work, assignment, completion."""
