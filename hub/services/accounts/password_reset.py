"""Password reset: a mailed link, then a new password (every session ends)."""

import logging
import os
import queue
import threading
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from hub.identity import email_normalize
from hub.services.accounts.errors import (
    PasswordResetInvalid,
)
from hub.services.transactions import write_alias

logger = logging.getLogger(__name__)


RESET_SUBJECT = "Reset your Fasthub password"


def password_reset_request(*, email: str) -> None:
    """Mail a reset link to the account with this email, if there is one.

    The caller answers the same either way, and the work is the same either way: one lookup,
    a token and a message built, and one item handed to the mail queue (``reset_mail_queue``):
    the message for a real, active account, ``None`` otherwise. The queue's thread sends the
    first and drops the second, after the response, so neither SMTP latency nor the decision
    shows in the response time (tests/security/test_reset_timing.py). With
    ``PASSWORD_RESET_EMAIL_IN_BACKGROUND`` off (tests read the outbox at once) the mail is sent
    inline instead.
    """
    normalized = email_normalize(email)
    user = User.objects.filter(username=normalized, is_active=True).first()
    target = user if user is not None else User(username=normalized, email=normalized)
    uidb64 = urlsafe_base64_encode(force_bytes(target.pk or 0))
    token = default_token_generator.make_token(target)
    link = f"{settings.PASSWORD_RESET_URL}?{urlencode({'uidb64': uidb64, 'token': token})}"
    message = EmailMessage(
        subject=RESET_SUBJECT,
        body=(
            "Someone asked to reset the password of your Fasthub account.\n\n"
            f"Open this link to choose a new password:\n{link}\n\n"
            f"Your reset code: uidb64={uidb64} token={token}\n\n"
            "If it was not you, ignore this email: your password stays as it is."
        ),
        to=[target.email or target.username],
    )
    deliverable = message if user is not None else None
    if settings.PASSWORD_RESET_EMAIL_IN_BACKGROUND:
        reset_mail_queue.put(deliverable)
    elif deliverable is not None:
        _send_quietly(deliverable)


class _MailQueue:
    """One background thread per process that sends queued messages in order.

    ``put(None)`` goes through the same queue and wakes the same thread, which drops it: the
    request that queued it did exactly what a request for a real account does. Started on first
    use, and again in a forked process (a gunicorn worker) where the parent's thread is gone.
    Messages still queued when the process exits are lost; the user asks again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[EmailMessage | None] | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0

    def put(self, message: EmailMessage | None) -> None:
        self._running().put(message)

    def _running(self) -> queue.SimpleQueue[EmailMessage | None]:
        running = self._queue
        if running is None or self._pid != os.getpid() or not self._alive():
            with self._lock:
                if self._queue is None or self._pid != os.getpid() or not self._alive():
                    self._queue = queue.SimpleQueue()
                    self._thread = threading.Thread(
                        target=self._send_forever, args=(self._queue,), daemon=True
                    )
                    self._thread.start()
                    self._pid = os.getpid()
                running = self._queue
        return running

    def _alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @staticmethod
    def _send_forever(items: queue.SimpleQueue[EmailMessage | None]) -> None:
        while True:
            message = items.get()
            if message is not None:
                _send_quietly(message)


reset_mail_queue = _MailQueue()


def password_reset_confirm(*, uidb64: str, token: str, new_password: str) -> User:
    """Set the new password when ``token`` is valid for the user in ``uidb64``.

    Tokens are single-use: Django's generator hashes the current password, so the change
    invalidates them. The database blacklists every refresh token issued before, in the same
    statement (as for any password change, migration 0004).
    Raises ``PasswordResetInvalid`` (bad link) or ``ValidationError`` (weak password).
    """
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError) as exc:
        raise PasswordResetInvalid("Invalid password reset link.") from exc
    # From the primary: a lagging replica could still accept a token the last reset used up.
    users = User.objects.using(write_alias(User))
    user = users.filter(pk=user_id, is_active=True).first() if user_id > 0 else None
    if user is None or not default_token_generator.check_token(user, token):
        raise PasswordResetInvalid("Invalid or expired password reset token.")
    validate_password(new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


def _send_quietly(message: EmailMessage) -> None:
    try:
        message.send()
    except Exception:
        logger.exception("password reset email could not be sent")
