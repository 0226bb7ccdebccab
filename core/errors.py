"""The one error a service raises when a rule is broken."""


class DomainError(Exception):
    """A rule was broken; the message is shown to the person as it is, so it says what to do."""
