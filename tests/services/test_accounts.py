"""Accounts (hub.services.accounts): what each service returns and raises, and the statements
its docstring promises. The HTTP side is in tests/api/accounts/; refresh token reuse and its
races in tests/security/test_refresh_token_reuse.py."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import UntypedToken

from hub.models import Church, Profile
from hub.services.accounts import (
    EmailTaken,
    PasswordResetInvalid,
    RefreshTokenRefused,
    TokenPair,
    account_delete,
    password_reset_confirm,
    password_reset_request,
    profile_image_replace,
    profile_update,
    refresh_token_issue,
    refresh_token_revoke,
    refresh_token_rotate,
    registration,
    user_register,
)
from hub.services.memberships import fast_join
from tests.support.factories import make_church, make_fast, make_user
from tests.support.images import image_bytes
from tests.support.statements import Statements

pytestmark = pytest.mark.django_db

STRONG = "Blue-Lantern-Orchard-42"
NEW = "Copper-Kettle-Meadow-77"


def _claim(raw: str, name: str) -> str:
    """A claim of a token we issued (verified; the stubs want a Token where simplejwt takes the
    encoded string)."""
    return str(UntypedToken(raw)[name])  # type: ignore[arg-type]


def _family(raw: str) -> str:
    return _claim(raw, "jti").split(".")[0]


# --- user_register -------------------------------------------------------------------------------


def test_register_stores_the_normal_form_and_fills_the_profile() -> None:
    church = make_church()
    user, tokens = user_register(
        email="Anna@\uff45xample.org", password=STRONG, church=church, name="", location=""
    )
    assert (user.username, user.email) == ("anna@example.org", "anna@example.org")
    assert user.check_password(STRONG)
    profile = Profile.objects.get(user=user)
    assert (profile.church_id, profile.name, profile.location, profile.timezone) == (
        church.pk,
        None,  # empty texts are stored as missing
        None,
        "UTC",
    )
    assert isinstance(tokens, TokenPair)
    assert _claim(tokens.access, "user_id") == str(user.pk)
    assert OutstandingToken.objects.filter(user=user, jti=_claim(tokens.refresh, "jti")).exists()


def test_register_is_one_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(**kwargs: Any) -> None:
        raise RuntimeError("token store down")

    monkeypatch.setattr(registration, "refresh_token_issue", fail)
    with pytest.raises(RuntimeError):
        user_register(email="anna@example.org", password=STRONG, church=make_church())
    assert not User.objects.exists()
    assert not Profile.objects.exists()


def test_a_duplicate_in_another_spelling_is_email_taken() -> None:
    """What a registration that passed the caller's check meets when another one committed
    first: the database refuses it, and nothing of it stays."""
    church = make_church()
    user_register(email="anna@example.org", password=STRONG, church=church)
    with pytest.raises(EmailTaken):
        user_register(email="ANNA@example.org", password=STRONG, church=church)
    assert User.objects.count() == 1


# --- Refresh tokens ------------------------------------------------------------------------------


def test_issue_records_the_refresh_token_in_one_insert() -> None:
    user = make_user()
    with Statements() as sent:
        pair = refresh_token_issue(user=user)
    assert sent.kinds() == ["INSERT"]
    assert OutstandingToken.objects.get(jti=_claim(pair.refresh, "jti")).user_id == user.pk


def test_issue_starts_a_family_or_continues_the_one_given() -> None:
    user = make_user()
    first, second = refresh_token_issue(user=user), refresh_token_issue(user=user)
    assert _family(first.refresh) != _family(second.refresh)
    continued = refresh_token_issue(user=user, family=_family(first.refresh))
    assert _family(continued.refresh) == _family(first.refresh)
    assert continued.refresh != first.refresh


def test_rotation_is_three_statements_and_continues_the_family() -> None:
    user = make_user()
    first = refresh_token_issue(user=user)
    with Statements() as sent:
        second = refresh_token_rotate(raw_token=first.refresh)
    # The outstanding row with its user (locked), the claim, the successor's row.
    assert sent.kinds() == ["SELECT", "INSERT", "INSERT"]
    assert _family(second.refresh) == _family(first.refresh)
    assert _claim(second.access, "user_id") == str(user.pk)
    with pytest.raises(RefreshTokenRefused):
        refresh_token_rotate(raw_token=first.refresh)  # used once already


def test_a_malformed_token_is_refused_before_any_statement() -> None:
    with Statements() as sent, pytest.raises(RefreshTokenRefused):
        refresh_token_rotate(raw_token="not-a-token")
    assert sent.sql == []


def test_the_token_of_an_inactive_account_is_refused() -> None:
    user = make_user()
    pair = refresh_token_issue(user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(RefreshTokenRefused, match="No active account"):
        refresh_token_rotate(raw_token=pair.refresh)


def test_revoke_ends_one_token_once() -> None:
    user = make_user()
    pair, other = refresh_token_issue(user=user), refresh_token_issue(user=user)
    refresh_token_revoke(raw_token=pair.refresh)
    with pytest.raises(RefreshTokenRefused):
        refresh_token_revoke(raw_token=pair.refresh)
    with pytest.raises(RefreshTokenRefused):
        refresh_token_rotate(raw_token=pair.refresh)
    refresh_token_rotate(raw_token=other.refresh)  # the account's other login goes on


# --- Password reset ------------------------------------------------------------------------------


def _code(body: str) -> tuple[str, str]:
    match = re.search(r"uidb64=([\w-]+) token=([\w-]+)", body)
    assert match, body
    return match.group(1), match.group(2)


def test_a_reset_request_costs_one_lookup_whether_or_not_the_account_exists() -> None:
    user = make_user()
    with Statements() as known:
        password_reset_request(email=user.email.upper())
    with Statements() as unknown:
        password_reset_request(email="nobody@example.org")
    assert known.kinds() == unknown.kinds() == ["SELECT"]
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_the_mailed_code_confirms_once() -> None:
    user = make_user()
    password_reset_request(email=user.email)
    uidb64, token = _code(str(mail.outbox[0].body))

    confirmed = password_reset_confirm(uidb64=uidb64, token=token, new_password=NEW)

    assert confirmed.pk == user.pk
    assert User.objects.get(pk=user.pk).check_password(NEW)
    with pytest.raises(PasswordResetInvalid):  # the new password invalidated the token
        password_reset_confirm(uidb64=uidb64, token=token, new_password="Other-" + NEW)


@pytest.mark.parametrize(
    ("uidb64", "token"),
    [("!!!", "x-y"), ("MA", "x-y"), ("LTE", "x-y"), ("OTk5OTk5", "x-y")],
    ids=["malformed", "zero", "negative", "no-such-user"],
)
def test_a_bad_link_is_password_reset_invalid(uidb64: str, token: str) -> None:
    with pytest.raises(PasswordResetInvalid):
        password_reset_confirm(uidb64=uidb64, token=token, new_password=NEW)


def test_a_weak_password_is_refused_and_the_old_one_stays() -> None:
    user = make_user()
    password_reset_request(email=user.email)
    uidb64, token = _code(str(mail.outbox[0].body))
    with pytest.raises(ValidationError):
        password_reset_confirm(uidb64=uidb64, token=token, new_password="password")
    assert User.objects.get(pk=user.pk).password == user.password
    password_reset_confirm(uidb64=uidb64, token=token, new_password=NEW)  # still valid


# --- profile_update ------------------------------------------------------------------------------


def test_profile_update_changes_the_row_and_the_instance_it_returns() -> None:
    church = make_church()
    profile = make_user().profile
    with Statements() as sent:
        returned = profile_update(profile=profile, data={"name": "Ani", "church": church.pk})
    assert sent.kinds() == ["SELECT", "UPDATE"]  # the church checked, then one UPDATE
    assert returned is profile
    assert (profile.name, profile.church_id) == ("Ani", church.pk)
    stored = Profile.objects.get(pk=profile.pk)
    assert (stored.name, stored.church_id) == ("Ani", church.pk)


def test_profile_update_without_a_church_is_one_update_and_none_clears_it() -> None:
    profile = make_user(church=make_church()).profile
    with Statements() as sent:
        profile_update(profile=profile, data={"timezone": "Asia/Yerevan", "church": None})
    assert sent.kinds() == ["UPDATE"]
    stored = Profile.objects.get(pk=profile.pk)
    assert (stored.timezone, stored.church_id) == ("Asia/Yerevan", None)


def test_profile_update_with_nothing_writes_nothing() -> None:
    profile = make_user().profile
    with Statements() as sent:
        assert profile_update(profile=profile, data={}) is profile
    assert sent.sql == []


def test_profile_update_refuses_what_it_may_not_change() -> None:
    profile = make_user(name="Kept").profile
    with pytest.raises(ValueError, match="user"):
        profile_update(profile=profile, data={"name": "Changed", "user": 1})
    with pytest.raises(ValidationError) as error:
        profile_update(profile=profile, data={"name": "Changed", "church": 999_999})
    assert list(error.value.message_dict) == ["church"]
    assert Profile.objects.get(pk=profile.pk).name == "Kept"


# --- account_delete ------------------------------------------------------------------------------


def test_account_delete_removes_the_files_only_once_committed(
    media_root: Any, django_capture_on_commit_callbacks: Any
) -> None:
    church: Church = make_church()
    user = make_user(church=church)
    fast = make_fast(church=church)
    fast_join(profile=user.profile, fast_id=fast.pk)
    pair = refresh_token_issue(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        profile_image_replace(
            profile=user.profile, upload=SimpleUploadedFile("me.png", image_bytes("PNG"))
        )
    files = [media_root / name for name in _image_names(user)]

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        account_delete(user=user)
    assert all(path.exists() for path in files)  # a rolled-back deletion keeps its files
    for callback in on_commit:
        callback()
    assert not any(path.exists() for path in files)

    assert not User.objects.filter(pk=user.pk).exists()
    fast.refresh_from_db()
    assert fast.participant_count == 0
    with pytest.raises(RefreshTokenRefused):
        refresh_token_rotate(raw_token=pair.refresh)


def _image_names(user: User) -> list[str]:
    profile = Profile.objects.get(user=user)
    return [profile.profile_image.name, profile.profile_image_thumbnail.name]
