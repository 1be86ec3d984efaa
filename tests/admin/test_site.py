"""The admin as church staff meet it: branded, logging in by email, church data first and the
plumbing (accounts, groups, token blacklist) for superusers only; profiles named by name and
email, found by the fast they keep."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from hub.models import Profile
from hub.services.memberships import fast_join
from tests.support.factories import make_church, make_fast, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-passw0rd!"
PLUMBING = [
    "admin:auth_user_changelist",
    "admin:auth_group_changelist",
    "admin:token_blacklist_outstandingtoken_changelist",
    "admin:token_blacklist_blacklistedtoken_changelist",
]


def _staff(*codenames: str, superuser: bool = False) -> User:
    """A staff account holding the given model permissions (``view_fast``, ``change_user``)."""
    user = User.objects.create_user("Staff@Example.org", "Staff@Example.org", PASSWORD)
    user.is_staff = True
    user.is_superuser = superuser
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


CHURCH_STAFF = [
    f"{action}_{model}"
    for model in ("church", "fast", "day", "profile")
    for action in ("view", "add", "change", "delete")
]


def test_login_page_is_branded_and_asks_for_an_email(client: Client) -> None:
    html = client.get(reverse("admin:login")).content.decode()
    assert "<title>Log in | Fasthub admin</title>" in html
    assert '<div id="site-name"><a href="/admin/">Fasthub admin</a></div>' in html
    assert "Django administration" not in html
    assert '<label for="id_username" class="required">Email:</label>' in html
    assert 'type="email" name="username"' in html
    assert "Username" not in html


def test_staff_log_in_with_their_email_in_any_case(client: Client) -> None:
    _staff(*CHURCH_STAFF)
    wrong = client.post(
        reverse("admin:login"), {"username": "staff@example.org", "password": "nope"}
    )
    assert "Please enter the email and password of a staff account." in wrong.content.decode()
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "  STAFF@example.ORG ", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_index_names_the_church_calendar_and_view_site_opens_the_api_docs(
    admin_client: Client,
) -> None:
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "<h1>Churches, fasts and members</h1>" in html
    assert "Church calendar" in html
    assert '<a href="/api/docs/">View site</a>' in html
    assert admin_client.get("/api/docs/").status_code == 200


def test_church_staff_see_church_data_and_no_plumbing(client: Client) -> None:
    # Even holding every account and group permission, staff who are not superusers see none
    # of it: whoever may edit accounts may take over a superuser's.
    staff = _staff(
        *CHURCH_STAFF,
        "view_user",
        "change_user",
        "delete_user",
        "view_group",
        "view_outstandingtoken",
        "view_blacklistedtoken",
    )
    client.force_login(staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'class="app-hub module' in html
    for model in ("church", "fast", "profile"):
        assert f'class="model-{model}' in html
    assert "app-auth" not in html
    assert "app-token_blacklist" not in html
    for url_name in PLUMBING:
        assert client.get(reverse(url_name)).status_code == 403, url_name
    member = make_user(name="Ani")
    assert client.get(reverse("admin:auth_user_change", args=[member.pk])).status_code == 403
    assert client.get(reverse("admin:auth_user_delete", args=[member.pk])).status_code == 403


def test_superusers_see_the_plumbing(admin_client: Client) -> None:
    html = admin_client.get(reverse("admin:index")).content.decode()
    for module in ("app-hub", "app-auth", "app-token_blacklist"):
        assert f'class="{module} module' in html
    for url_name in PLUMBING:
        assert admin_client.get(reverse(url_name)).status_code == 200, url_name


def test_profile_is_titled_by_name_and_email_and_shows_its_account(client: Client) -> None:
    church = make_church(name="St Gregory")
    fast = make_fast(church=church, name="Nativity Fast", start=dt.date(2027, 11, 15), days=40)
    member = make_user(church=church, name="Ani Vardanyan")
    fast_join(profile=member.profile, fast_id=fast.pk)
    profile = Profile.objects.select_related("user").get(pk=member.profile.pk)
    assert str(profile) == f"Ani Vardanyan ({member.email})"
    nameless = make_user()
    assert str(Profile.objects.select_related("user").get(user=nameless)) == nameless.email

    client.force_login(_staff(*CHURCH_STAFF))
    html = client.get(reverse("admin:hub_profile_change", args=[profile.pk])).content.decode()
    assert f"<h2>Ani Vardanyan ({member.email})</h2>" in html
    assert "profile 1" not in html and "through the API" not in html
    assert f'<div class="readonly">{member.email}</div>' in html
    assert "Account created" in html and "Last login" in html
    assert "Nativity Fast (2027) · St Gregory" in html
    assert "Members join and leave fasts themselves, in the app." in html
    # Deleting a profile is deleting the account: superusers only.
    assert 'class="deletelink"' not in html
    delete = client.get(reverse("admin:hub_profile_delete", args=[profile.pk]), follow=True)
    assert delete.status_code == 403


def test_profiles_filter_by_the_fast_they_keep(admin_client: Client) -> None:
    church = make_church(name="St Gregory")
    nativity = make_fast(church=church, name="Nativity Fast", start=dt.date(2027, 11, 15), days=3)
    lent = make_fast(church=church, name="Great Lent", start=dt.date(2027, 3, 15), days=3)
    keeper = make_user(church=church, name="Ani")
    other = make_user(church=church, name="Nikos")
    fast_join(profile=keeper.profile, fast_id=nativity.pk)
    fast_join(profile=other.profile, fast_id=lent.pk)
    changelist = reverse("admin:hub_profile_changelist")

    html = admin_client.get(changelist).content.decode()
    # Fasts are found by typing, never all listed as choices.
    assert 'id="fast-kept-filter"' in html
    assert "Great Lent (2027)" not in html
    filtered = admin_client.get(changelist, {"fast": nativity.pk}).content.decode()
    assert keeper.email in filtered
    assert other.email not in filtered
    assert "Nativity Fast (2027) · St Gregory" in filtered  # the chosen fast, selected
    assert admin_client.get(changelist, {"fast": "x"})["Location"].endswith("?e=1")
    assert "0 profiles" in admin_client.get(changelist, {"fast": lent.pk + 99}).content.decode()


def test_the_fast_autocomplete_names_each_fast_with_its_church(client: Client) -> None:
    make_fast(
        church=make_church(name="St Gregory"),
        name="Great Lent",
        start=dt.date(2027, 3, 15),
        days=2,
    )
    make_fast(
        church=make_church(name="St Nicholas"),
        name="Great Lent",
        start=dt.date(2027, 3, 15),
        days=2,
    )
    make_fast(church=make_church(name="St Mary"), name="Advent", start=dt.date(2027, 12, 1), days=2)
    url = reverse("admin:hub_fast_autocomplete")
    params = {"term": "lent", "app_label": "hub", "model_name": "profile", "field_name": "fasts"}
    assert client.get(url, params).status_code == 302  # to the login page
    staff = _staff("view_profile")
    client.force_login(staff)
    assert client.get(url, params).status_code == 403  # fasts are not theirs to see
    staff.user_permissions.add(Permission.objects.get(codename="view_fast"))
    results = client.get(url, params).json()["results"]
    assert sorted(result["text"] for result in results) == [
        "Great Lent (2027) · St Gregory",
        "Great Lent (2027) · St Nicholas",
    ]
