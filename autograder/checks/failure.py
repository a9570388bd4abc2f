"""What a verify function raises when the submission's outputs are wrong."""


class Failure(Exception):
    """Raised by a verify function: what was expected, what came, and an optional hint."""

    def __init__(self, message, hint=None, artifacts=None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.artifacts = artifacts or {}
