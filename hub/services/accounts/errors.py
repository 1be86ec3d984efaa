"""What an account operation can refuse; ``str(error)`` is safe to show to the client."""


class AccountError(Exception):
    """A refused account operation."""


class EmailTaken(AccountError):
    pass


class RefreshTokenRefused(AccountError):
    """Malformed, expired, revoked or already used, or its user can no longer log in."""


class PasswordResetInvalid(AccountError):
    pass


class ProfileGone(AccountError):
    """The profile (and so its account) was deleted while the request was being served."""
