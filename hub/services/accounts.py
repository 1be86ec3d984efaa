"""Accounts: registration, refresh tokens, profile edits, profile images, password reset, deletion.

Refresh tokens and their blacklist
----------------------------------
Every refresh token we issue is recorded in simplejwt's ``OutstandingToken`` table. Using one
(rotation), logging out with it, resetting the password or deleting the account inserts rows
into ``BlacklistedToken``; a blacklisted refresh token is refused. Rotation claims the old token
with a single unique insert, so two concurrent refreshes with the same token cannot both win.

Both tables only grow. Run ``python manage.py flushexpiredtokens`` once a day (cron, a scheduled
job of the hosting platform): it deletes outstanding tokens past their expiry, and their
blacklist rows with them (cascade). Expired tokens are refused by their ``exp`` claim anyway, so
nothing they protected depends on the rows.
"""

import logging
import os
import queue
import threading
import uuid
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, connections, router, transaction
from django.db.models import FileField
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import BlacklistMixin, RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from hub.identity import email_normalize
from hub.models import Church, Profile
from hub.services import images

logger = logging.getLogger(__name__)

PROFILE_FIELDS = frozenset({"name", "location", "church", "timezone", *Profile.NOTIFICATION_FLAGS})


class AccountError(Exception):
    """A refused account operation; ``str(error)`` is safe to show to the client."""


class EmailTaken(AccountError):
    pass


class RefreshTokenRefused(AccountError):
    """Malformed, expired, revoked or already used, or its user can no longer log in."""


class PasswordResetInvalid(AccountError):
    pass


class ProfileGone(AccountError):
    """The profile (and so its account) was deleted while the request was being served."""


@dataclass(frozen=True)
class TokenPair:
    refresh: str
    access: str


def _primary(model: type[Any]) -> str:
    """The database alias writes to ``model`` go to (reads that must not lag use it)."""
    return router.db_for_write(model) or "default"


# --- Registration ------------------------------------------------------------------------------


def email_is_taken(*, email: str) -> bool:
    """Whether an account already has this email (in its normal form; one index lookup)."""
    return User.objects.using(_primary(User)).filter(username=email_normalize(email)).exists()


def user_register(
    *,
    email: str,
    password: str,
    church: Church,
    name: str | None = None,
    timezone: str = "UTC",
    location: str | None = None,
) -> tuple[User, TokenPair]:
    """Create the user (username = email), fill in the trigger-made profile, issue tokens.

    One transaction: a failure anywhere leaves no user behind. The password must have been
    validated already (``validate_password``); this only refuses a duplicate email, which a
    concurrent registration can still produce after the caller's check.
    """
    normalized = email_normalize(email)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=normalized, email=normalized, password=password
            )
            # The database trigger created the profile with the INSERT above.
            Profile.objects.filter(user_id=user.pk).update(
                name=name or None, church=church, timezone=timezone, location=location or None
            )
            tokens = refresh_token_issue(user=user)
    except IntegrityError as exc:
        raise EmailTaken("A user with that email already exists.") from exc
    return user, tokens


# --- Tokens ------------------------------------------------------------------------------------


class _UnverifiedBlacklistRefreshToken(RefreshToken):
    """A refresh token whose blacklist check is left to the caller's unique insert.

    Signature, expiry and type are still verified when decoding; only the separate "is it
    blacklisted" query is skipped, because claiming the token (inserting its blacklist row)
    answers that question atomically.
    """

    def check_blacklist(self) -> None:
        return None


# A login's refresh tokens form a family: each rotation hands the family on to the new token.
# The family is the start of each token's jti (``<family>.<random>``), so simplejwt's own table
# records it and a family is found among one user's tokens (their user_id index) by prefix. A
# token issued before families existed is a family of its own (its whole jti).
FAMILY_SEPARATOR = "."


def refresh_token_issue(*, user: User, family: str | None = None) -> TokenPair:
    """A new refresh/access pair; the refresh token is recorded as outstanding (one INSERT).

    ``family`` continues a login (rotation); without it the pair starts a new one.
    """
    family = family or uuid.uuid4().hex
    # Token.for_user, not BlacklistMixin's: that one records the token before we name its jti.
    refresh = super(BlacklistMixin, RefreshToken).for_user(user)
    refresh[jwt_settings.JTI_CLAIM] = f"{family}{FAMILY_SEPARATOR}{uuid.uuid4().hex}"
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[jwt_settings.JTI_CLAIM],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return TokenPair(refresh=str(refresh), access=str(refresh.access_token))


def refresh_token_rotate(*, raw_token: str) -> TokenPair:
    """Use a refresh token once: blacklist it and issue the next pair of its login (family).

    Presenting a token that was already used (or revoked) is reuse: someone holds a copy. Then
    every token of its family is revoked, the legitimate holder's newest one included, and the
    answer is a refusal; both sides must log in again (OAuth 2.0 Security BCP, refresh token
    reuse detection).

    One transaction, three statements: the outstanding row with its user, the user row locked
    (``FOR UPDATE``: a rotation and a reuse of the same user's tokens take turns, so a family
    revocation also sees a successor being issued at that moment); the blacklist insert (the
    claim: a second use, concurrent or not, inserts nothing); the new outstanding row, or on
    reuse the family's revocation.
    """
    old = _refresh_token_decode(raw_token)
    family = _family_of(old)
    with transaction.atomic(using=_primary(OutstandingToken)):
        outstanding = _outstanding_of_active_user(old)
        if outstanding is None or outstanding.user is None:
            raise RefreshTokenRefused("No active account found for the given token.")
        if _refresh_token_claim(outstanding_id=outstanding.pk):
            return refresh_token_issue(user=outstanding.user, family=family)
        _refresh_token_family_revoke(user_id=outstanding.user.pk, family=family)
    raise RefreshTokenRefused("Token is blacklisted")


def refresh_token_revoke(*, raw_token: str) -> None:
    """Logout: blacklist one refresh token. Refused when it is invalid or already revoked.

    An already used token presented here is reuse too: its family is revoked.
    """
    token = _refresh_token_decode(raw_token)
    family = _family_of(token)
    with transaction.atomic(using=_primary(OutstandingToken)):
        outstanding = _outstanding_of_active_user(token) or _outstanding_for(token)
        if _refresh_token_claim(outstanding_id=outstanding.pk):
            return
        if outstanding.user_id is not None:
            _refresh_token_family_revoke(user_id=outstanding.user_id, family=family)
    raise RefreshTokenRefused("Token is blacklisted")


def _refresh_token_family_revoke(*, user_id: int, family: str) -> None:
    """Blacklist every unexpired refresh token of one login (one INSERT ... SELECT)."""
    like = family.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    _blacklist_where(
        user_id=user_id,
        jti_condition="AND (o.jti = %s OR o.jti LIKE %s ESCAPE '\\') ",
        params=[family, f"{like}{FAMILY_SEPARATOR}%"],
    )


def _blacklist_where(*, user_id: int, jti_condition: str, params: list[Any]) -> None:
    blacklisted = BlacklistedToken._meta.db_table
    outstanding = OutstandingToken._meta.db_table
    now = timezone.now()
    with connections[_primary(BlacklistedToken)].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {blacklisted} (token_id, blacklisted_at) "  # noqa: S608 (table names)
            f"SELECT o.id, %s FROM {outstanding} o "
            f"WHERE o.user_id = %s AND o.expires_at > %s {jti_condition}"
            f"AND NOT EXISTS (SELECT 1 FROM {blacklisted} b WHERE b.token_id = o.id) "
            f"ON CONFLICT (token_id) DO NOTHING",
            [now, user_id, now, *params],
        )


def _family_of(token: RefreshToken) -> str:
    return str(token[jwt_settings.JTI_CLAIM]).split(FAMILY_SEPARATOR, 1)[0]


def _refresh_token_decode(raw_token: str) -> RefreshToken:
    try:
        return _UnverifiedBlacklistRefreshToken(raw_token)  # type: ignore[arg-type]
    except TokenError as exc:
        raise RefreshTokenRefused(str(exc.args[0]) if exc.args else "Token is invalid.") from exc


def _outstanding_of_active_user(token: RefreshToken) -> OutstandingToken | None:
    """The token's outstanding row with its active user, the user's row locked (in a
    transaction). None when the user is gone or inactive, or the token was never recorded."""
    jti = token[jwt_settings.JTI_CLAIM]
    rows = (
        OutstandingToken.objects.using(_primary(OutstandingToken))
        .select_related("user")
        .select_for_update(of=("user",))
        .filter(jti=jti, user__is_active=True)
    )
    found = rows.first()
    if found is not None or OutstandingToken.objects.filter(jti=jti).exists():
        return found
    # Every token we issue is recorded; one missing was issued elsewhere with our key (a
    # management shell). Record it so it can be blacklisted like any other, then lock.
    _outstanding_for(token)
    return rows.first()


def _outstanding_for(token: RefreshToken) -> OutstandingToken:
    jti = token[jwt_settings.JTI_CLAIM]
    # Revocation state is read from the primary: a replica may lag behind a logout or rotation.
    outstanding = (
        OutstandingToken.objects.using(_primary(OutstandingToken))
        .select_related("user")
        .filter(jti=jti)
        .first()
    )
    if outstanding is not None:
        return outstanding
    user = (
        User.objects.using(_primary(User)).filter(pk=token.get(jwt_settings.USER_ID_CLAIM)).first()
    )
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={
            "user": user,
            "created_at": token.current_time,
            "token": str(token),
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    return outstanding


def _refresh_token_claim(*, outstanding_id: int) -> bool:
    """Blacklist one token; False when it already was (used, logged out or revoked)."""
    blacklisted = BlacklistedToken._meta.db_table
    with connections[_primary(BlacklistedToken)].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {blacklisted} (token_id, blacklisted_at) "  # noqa: S608 (table name)
            "VALUES (%s, %s) ON CONFLICT (token_id) DO NOTHING",
            [outstanding_id, timezone.now()],
        )
        return bool(cursor.rowcount == 1)


# --- Profile -----------------------------------------------------------------------------------


def profile_update(*, profile: Profile, data: dict[str, Any]) -> Profile:
    """Change the given profile fields (any subset of PROFILE_FIELDS).

    ``church`` is an id or None; an unknown id is a ``ValidationError`` under ``church``.
    Cost: one query to check the church when it is given, then one UPDATE. No cached
    representation shows these columns (hub.caching), so no version changes. The in-memory
    ``profile`` is updated to match and returned.
    """
    unknown = set(data) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    values = dict(data)
    if "church" in values:
        church_id = values.pop("church")
        if church_id is not None and not Church.objects.filter(pk=church_id).exists():
            raise ValidationError({"church": ["Church with the provided ID does not exist."]})
        values["church_id"] = church_id
    if not values:
        return profile
    Profile.objects.filter(pk=profile.pk).update(**values)
    for field, value in values.items():
        setattr(profile, field, value)
    return profile


def profile_image_replace(*, profile: Profile, upload: UploadedFile | None) -> Profile:
    """Store a new profile image and its 100x100 thumbnail (or clear both when ``upload`` is None).

    The upload is verified and re-encoded by ``hub.services.images`` (``ImageInvalid`` /
    ``ImageTooLarge`` when refused) and its files are stored before the transaction. Then two
    statements: the profile row is locked and its current file names read (``SELECT ... FOR
    UPDATE``), and one UPDATE stores the new names. Replacements of one profile therefore take
    turns, and each deletes exactly the files the previous one stored, once committed: however
    many run at once, no file is left that no row names. If the transaction fails, or the
    profile is gone (its account deleted meanwhile: ``ProfileGone``), the new files are removed
    instead. ``manage.py sweep_media`` removes what a crash between the two steps can leave.
    """
    image_field = Profile._meta.get_field("profile_image")
    thumb_field = Profile._meta.get_field("profile_image_thumbnail")
    storage = profile.profile_image.storage

    new_image_name: str | None = None
    new_thumb_name: str | None = None
    if upload is not None:
        files = images.profile_image_files(
            source=upload, max_bytes=settings.PROFILE_IMAGE_MAX_BYTES
        )
        base_name = images.unique_jpeg_name()
        new_image_name = storage.save(
            image_field.generate_filename(profile, base_name), files.image
        )
        new_thumb_name = storage.save(
            thumb_field.generate_filename(profile, base_name), files.thumbnail
        )
    try:
        with transaction.atomic():
            old_names = (
                Profile.objects.select_for_update()
                .filter(pk=profile.pk)
                .values_list("profile_image", "profile_image_thumbnail")
                .first()
            )
            if old_names is None:
                raise ProfileGone("The account no longer exists.")
            Profile.objects.filter(pk=profile.pk).update(
                profile_image=new_image_name, profile_image_thumbnail=new_thumb_name
            )
            transaction.on_commit(
                lambda: images.files_delete(storage=storage, names=list(old_names))
            )
    except Exception:
        images.files_delete(storage=storage, names=[new_image_name, new_thumb_name])
        raise
    profile.profile_image = new_image_name
    profile.profile_image_thumbnail = new_thumb_name
    return profile


# --- Password reset ----------------------------------------------------------------------------

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
    users = User.objects.using(_primary(User))
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


# --- Deletion ----------------------------------------------------------------------------------


def account_delete(*, user: User) -> None:
    """Delete the user with profile and memberships; remove its image files once committed.

    The profile and user rows are locked first and the file names read under that lock, so a
    picture upload running at the same time either commits before (and its files are the ones
    deleted here) or finds the profile gone (and removes its own files). The database keeps the
    rest (migration 0004): the memberships' deletion drops the fasts' counters and bumps their
    churches' versions, and the refresh tokens, whose ``user`` column the deletion nulls, are
    blacklisted. A constant number of statements however many fasts the user joined.
    """
    storage = cast(FileField, Profile._meta.get_field("profile_image")).storage
    with transaction.atomic():
        locked = (
            Profile.objects.select_related("user")
            .select_for_update()
            .only("profile_image", "profile_image_thumbnail", "user__id")
            .filter(user_id=user.pk)
            .first()
        )
        names = [None, None]
        if locked is not None:
            names = [locked.profile_image.name or None, locked.profile_image_thumbnail.name or None]
        user.delete()
        transaction.on_commit(lambda: images.files_delete(storage=storage, names=names))
