"""The page a reset email links to by default shows the code, escaped, and is never cached."""

from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.support.factories import make_user


def test_the_mailed_link_opens_a_page_with_the_code(db: None, settings) -> None:
    settings.PASSWORD_RESET_URL = "http://testserver/reset-password/"
    user = make_user(name="Anna")
    APIClient().post(reverse("password_reset"), {"email": user.email}, format="json")
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if line.startswith("http"))
    page = Client().get(link)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    text = page.content.decode()
    uidb64, token = link.split("uidb64=")[1].split("&token=")
    assert uidb64 in text and token in text
    assert "/api/password/reset/confirm/" in text


def test_the_code_is_escaped_and_a_bare_visit_explains_itself() -> None:
    page = Client().get("/reset-password/", {"uidb64": "<script>x</script>", "token": "t"})
    assert "<script>x</script>" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()
    bare = Client().get("/reset-password/")
    assert bare.status_code == 200
    assert "Open the link in the" in bare.content.decode()
    assert Client().post("/reset-password/").status_code == 405
