"""Celery entry point and thin tasks; every task loads by id and calls one service."""
