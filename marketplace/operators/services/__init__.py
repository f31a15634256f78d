"""Operators services: the hotline."""
