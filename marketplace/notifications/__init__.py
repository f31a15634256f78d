"""Notifications: in-app, email and SMS, written with the state change that causes them."""
