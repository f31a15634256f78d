"""Missions services: posting rules and status changes, messaging, reviews, final price,
cancellation records."""
