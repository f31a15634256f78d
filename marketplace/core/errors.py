"""Domain errors: services raise these, views turn them into messages or 4xx answers."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the business refused the request; the message is shown to the user."""

    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class InvalidTransition(DomainError):
    status_code = 409


class Conflict(DomainError):
    status_code = 409
