"""Every API endpoint, one request each (tests/support/calls.py): no response body carries
an email other than the caller's own, and only where the contract shows it.

The caller shares the target fast with other participants; their emails must never leak, not
even through participants (whose abbreviation falls back to the first letter of the email).
"""

import re

import pytest
from django.contrib.auth.models import User

from tests.support.calls import ANONYMOUS_VARIANTS, CATALOGUE
from tests.support.measure import send
from tests.support.worlds import build_world

pytestmark = pytest.mark.django_db

EMAIL = re.compile(rb"[a-z0-9._+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)
# Where the contract shows the caller's own email: the profile and the registration answer.
OWN_EMAIL_ALLOWED = {"profile-detail", "auth_register"}


def test_no_endpoint_shows_another_users_email() -> None:
    world = build_world(participants=12, fasts_in_range=3)
    everyone = {email.lower() for email in User.objects.values_list("email", flat=True)}
    assert len(everyone) == 12
    own = world.user.email.lower()
    seen: dict[str, set[str]] = {}
    participants_count = None
    for label, catalogue in (("anonymous ", ANONYMOUS_VARIANTS), ("", CATALOGUE)):
        for name, prepare in catalogue.items():
            call = prepare(world)
            response = send(world, call, cold=False).response
            assert response.status_code == call.expected, (name, response.content[:300])
            # Real accounts only (the schema's examples show made-up addresses).
            accounts = everyone | {f"newcomer{world.church.pk}@example.org"}
            found = {m.decode().lower() for m in EMAIL.findall(response.content)} & accounts
            seen[label + name] = found
            if name == "fast-participants-paginated":
                participants_count = response.json()["count"]
            if name == "auth_register":
                own_here = {str(call.data["email"]).lower()}
            else:
                own_here = {own} if call.authenticated and name in OWN_EMAIL_ALLOWED else set()
            assert found <= own_here, (label + name, found - own_here)
            if not call.authenticated:
                assert b'"joined":true' not in response.content.replace(b" ", b""), name
    # The scan is real: the profile did show the caller's email, participants did answer.
    assert seen["profile-detail"] == {own}
    assert participants_count == len(everyone)
