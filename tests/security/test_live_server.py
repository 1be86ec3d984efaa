"""Security through a real gunicorn with production settings, as scripts/serve-production runs it.

Two worker processes share a throwaway Redis started for this module, so the login throttle
must count across processes. The access log is switched to gunicorn's plain format with the
worker pid, to prove that both workers answered the attempts. SSL redirect stays at its
production default (on); requests that should reach the app say ``X-Forwarded-Proto: https``
as the TLS-terminating proxy would.
"""

import contextlib
import http.client
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.ops.test_serving import GUNICORN, ROOT, manage, production_env
from tests.support.live import RedisServer, free_port

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")

APP = "https://app.example.org"
EVIL = "https://evil.example.org"
PASSWORD = "a-Long-test-Passw0rd!"
MEMBER = "member@example.org"
ACCOUNT_LIMIT = 5
IP_LIMIT = 8
REGISTER_LIMIT = 10
RESET_ACCOUNT_LIMIT = 3
BURST = 40
START_TIMEOUT = 30.0
HTTPS = {"X-Forwarded-Proto": "https"}


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Live:
    port: int
    process: subprocess.Popen[bytes]
    access_log: Path
    member_id: int
    redis_url: str

    def reset_rate_limits(self) -> None:
        """Start from fresh counters: the API and admin logins share theirs, per client IP."""
        client = redis.Redis.from_url(self.redis_url)
        try:
            for key in client.scan_iter(match="*:throttle:*"):
                client.delete(key)
        finally:
            client.close()

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        # A new connection per request, so the kernel may hand each one to either worker.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def login(self, username: str, password: str) -> Reply:
        body = json.dumps({"username": username, "password": password}).encode()
        return self.request(
            "POST",
            "/api/token/",
            body,
            {**HTTPS, "Content-Type": "application/json", "Connection": "close"},
        )

    def pids_for(self, path: str, count: int) -> list[str]:
        """Worker pids of the last ``count`` access-log lines for ``path``."""
        deadline = time.monotonic() + 5
        while True:
            lines = [
                line.split()
                for line in self.access_log.read_text().splitlines()
                if line.count(" ") >= 2 and line.split()[2] == path
            ]
            if len(lines) >= count or time.monotonic() > deadline:
                return [fields[0] for fields in lines[-count:]]
            time.sleep(0.1)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for the cross-worker throttle test"
    server = RedisServer(
        binary=binary, port=free_port(), log=tmp_path_factory.mktemp("redis") / "redis.log"
    )
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("security-live")
    env = production_env(tmp, f"sqlite:///{tmp / 'fasthub.sqlite3'}")
    env.pop("SECURE_SSL_REDIRECT")  # the production default: on
    env.update(
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"security-{uuid.uuid4().hex[:8]}",
        CORS_ALLOWED_ORIGINS=APP,
        THROTTLE_LOGIN_ACCOUNT=f"{ACCOUNT_LIMIT}/min",
        THROTTLE_LOGIN_IP=f"{IP_LIMIT}/min",
        THROTTLE_REGISTER=f"{REGISTER_LIMIT}/hour",
        THROTTLE_PASSWORD_RESET_ACCOUNT=f"{RESET_ACCOUNT_LIMIT}/hour",
        THROTTLE_PASSWORD_RESET_IP="1000/hour",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="1",
        PASSWORD_RESET_EMAIL_IN_BACKGROUND="false",
    )
    manage(env, "migrate", "--no-input", "-v", "0")
    # The admin pages need the static manifest; the API docs' large bundles are not needed here.
    manage(
        env,
        "collectstatic",
        "--no-input",
        "-v",
        "0",
        "-i",
        "drf_spectacular_sidecar",
        "-i",
        "rest_framework",
    )
    created = subprocess.run(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"member = User.objects.create_user({MEMBER!r}, {MEMBER!r}, {PASSWORD!r}); "
            f"User.objects.create_user('staff@example.org', 'staff@example.org', {PASSWORD!r}, "
            "is_staff=True); "
            "print('member', member.pk)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    member_id = int(created.stdout.split("member ", 1)[1].split()[0])
    port = free_port()
    env["BIND"] = f"127.0.0.1:{port}"
    access_log = tmp / "access.log"
    errors = tmp / "gunicorn.err"
    with errors.open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                GUNICORN,
                "config.wsgi",
                "-c",
                "config/gunicorn.py",
                "--logger-class",
                "gunicorn.glogging.Logger",
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                "%(p)s %(s)s %(U)s",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    server = Live(port, process, access_log, member_id, redis_url)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {errors.read_text()[-2000:]}")
        try:
            if server.request("GET", "/health/").status == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"gunicorn did not start: {errors.read_text()[-2000:]}")
        time.sleep(0.2)
    yield server
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


# --- Brute force across workers --------------------------------------------------------------


def test_login_brute_force_is_throttled_across_workers(live: Live) -> None:
    """Attempts 1-5 on one account are 401, the 6th is 429 whichever worker answers it; the
    IP limit (8) then refuses the 9th attempt from this address, even for other accounts."""
    live.reset_rate_limits()
    # Attempts 1-4 in pairs sent at once: each takes a worker for the password hash, so both
    # workers answer (one after the other, the kernel may hand every connection to one).
    statuses = []
    for pair in range(2):
        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = pool.map(
                lambda i: live.login(MEMBER, f"wrong-{i}").status, (2 * pair, 2 * pair + 1)
            )
            statuses += list(replies)
    statuses.append(live.login(MEMBER, "wrong-4").status)
    assert statuses == [401] * ACCOUNT_LIMIT
    throttled = live.login(MEMBER.upper(), PASSWORD)  # even the right password, any case
    assert throttled.status == 429, throttled.body
    assert int(throttled.headers["Retry-After"]) > 0
    assert "detail" in throttled.json()

    # The 6th attempt passed the IP limit (it counts there); two more addresses fit under it.
    assert live.login("nobody1@example.org", "x").status == 401
    assert live.login("nobody2@example.org", "x").status == 401
    by_ip = live.login("nobody3@example.org", "x")
    assert by_ip.status == 429
    assert int(by_ip.headers["Retry-After"]) > 0
    # Forging X-Forwarded-For does not buy a fresh address.
    forged = live.request(
        "POST",
        "/api/token/",
        json.dumps({"username": "nobody4@example.org", "password": "x"}).encode(),
        {**HTTPS, "Content-Type": "application/json", "X-Forwarded-For": "203.0.113.5"},
    )
    assert forged.status == 429

    pids = live.pids_for("/api/token/", ACCOUNT_LIMIT + 5)
    assert len(set(pids)) == 2, f"one worker answered every attempt: {pids}"


def _burst(live: Live, path: str, bodies: list[dict[str, str]]) -> list[int]:
    """Every body sent at the same moment, each on its own connection, one thread each."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []
    lock = threading.Lock()

    def send(body: dict[str, str]) -> None:
        barrier.wait(timeout=30)
        reply = live.request(
            "POST", path, json.dumps(body).encode(), {**HTTPS, "Content-Type": "application/json"}
        )
        with lock:
            statuses.append(reply.status)

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_a_burst_passes_exactly_the_limit_across_workers(live: Live) -> None:
    """The issue's burst: 40 requests at once passed 21 registrations against 10/hour and 8
    resets against 3/hour when each worker read, appended and wrote back the count."""
    live.reset_rate_limits()
    registrations = _burst(live, "/api/register/", [{}] * BURST)  # counted, then a 400
    assert sorted(registrations) == [400] * REGISTER_LIMIT + [429] * (BURST - REGISTER_LIMIT)
    resets = _burst(live, "/api/password/reset/", [{"email": MEMBER}] * BURST)
    assert sorted(resets) == [200] * RESET_ACCOUNT_LIMIT + [429] * (BURST - RESET_ACCOUNT_LIMIT)
    pids = live.pids_for("/api/register/", BURST)
    assert len(set(pids)) == 2, f"one worker answered every request: {pids}"


# --- Security headers and HTTPS --------------------------------------------------------------


def test_plain_http_is_redirected_to_https_except_health(live: Live) -> None:
    reply = live.request("GET", "/api/churches/", headers={"Host": "127.0.0.1"})
    assert reply.status == 301
    assert reply.headers["Location"] == "https://127.0.0.1/api/churches/"
    assert live.request("GET", "/health/").status == 200


def test_https_responses_carry_the_security_headers(live: Live) -> None:
    reply = live.request("GET", "/api/churches/", headers=HTTPS)
    assert reply.status == 200
    hsts = reply.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts and "preload" in hsts
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Referrer-Policy"] == "same-origin"
    assert reply.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Server-Timing" not in reply.headers
    # Errors too: JSON, same headers, no debug page.
    missing = live.request("GET", "/api/no-such-thing/", headers=HTTPS)
    assert missing.status == 404
    assert missing.json() == {"detail": "Not found.", "code": "not_found"}
    assert missing.headers["X-Frame-Options"] == "DENY"


def test_cookies_are_secure_and_the_session_is_http_only(live: Live) -> None:
    live.reset_rate_limits()
    page = live.request("GET", "/admin/login/", headers=HTTPS)
    assert page.status == 200
    csrf_cookie = next(v for v in page.headers.get_all("Set-Cookie") or [] if "csrftoken" in v)
    assert "Secure" in csrf_cookie
    token = csrf_cookie.split("csrftoken=", 1)[1].split(";", 1)[0]
    marker = b'name="csrfmiddlewaretoken" value="'
    form_token = page.body.split(marker, 1)[1].split(b'"', 1)[0].decode()
    base = f"https://127.0.0.1:{live.port}"
    body = (
        f"csrfmiddlewaretoken={form_token}&username=staff%40example.org&password="
        f"{PASSWORD.replace('!', '%21')}&next=%2Fadmin%2F"
    ).encode()
    logged_in = live.request(
        "POST",
        "/admin/login/?next=/admin/",
        body,
        {
            **HTTPS,
            "Host": f"127.0.0.1:{live.port}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={token}",
            "Referer": f"{base}/admin/login/",
            "Origin": base,
        },
    )
    assert logged_in.status == 302, logged_in.body[:500]
    session_cookie = next(
        v for v in logged_in.headers.get_all("Set-Cookie") or [] if "sessionid" in v
    )
    assert "Secure" in session_cookie
    assert "HttpOnly" in session_cookie


# --- CORS --------------------------------------------------------------------------------------


def test_cors_from_the_environment_allows_only_that_origin(live: Live) -> None:
    preflight = {**HTTPS, "Access-Control-Request-Method": "GET"}
    allowed = live.request("OPTIONS", "/api/fasts/stats/", headers={**preflight, "Origin": APP})
    assert allowed.headers["Access-Control-Allow-Origin"] == APP
    refused = live.request("OPTIONS", "/api/fasts/stats/", headers={**preflight, "Origin": EVIL})
    assert "Access-Control-Allow-Origin" not in refused.headers
    simple = live.request("GET", "/api/churches/", headers={**HTTPS, "Origin": EVIL})
    assert simple.status == 200
    assert "Access-Control-Allow-Origin" not in simple.headers


# --- Request size limits at the server ---------------------------------------------------------


def _raw(live: Live, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_ten_kilobyte_request_line_is_refused_by_gunicorn(live: Live) -> None:
    line = b"GET /api/churches/?q=" + b"a" * 10 * 1024 + b" HTTP/1.1\r\n"
    reply = _raw(live, line + b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
    status = int(reply.split(b" ", 2)[1])
    assert 400 <= status < 500, reply[:200]
    assert live.request("GET", "/health/").status == 200  # still serving


def test_an_oversized_header_and_too_many_headers_are_refused(live: Live) -> None:
    big = b"GET /health/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n"
    assert int(_raw(live, big).split(b" ", 2)[1]) in (400, 431)
    many = b"GET /health/ HTTP/1.1\r\nHost: x\r\n" + b"".join(
        f"X-H{i}: v\r\n".encode() for i in range(150)
    )
    assert int(_raw(live, many + b"\r\n").split(b" ", 2)[1]) in (400, 431)
    assert live.request("GET", "/health/").status == 200


def _send_large(live: Live, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
    """Send a large body while reading: the server may answer (and close) before reading it."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", live.port), timeout=20) as sock:

        def send() -> None:
            # Refused early and closed: the answer is already on its way.
            with contextlib.suppress(OSError):
                sock.sendall(head.encode() + body)

        sender = threading.Thread(target=send)
        sender.start()
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        sender.join(timeout=20)
    raw_head, _, raw_body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = raw_head.decode("latin-1").split("\r\n")
    message = http.client.HTTPMessage()
    for line in header_lines:
        name, _, value = line.partition(":")
        message[name.strip()] = value.strip()
    return Reply(int(status_line.split()[1]), message, raw_body)


def _member_token(live: Live) -> str:
    from rest_framework_simplejwt.backends import TokenBackend

    from tests.ops.test_serving import SECRET_KEY

    now = int(time.time())
    claims = {
        "token_type": "access",
        "exp": now + 300,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": str(live.member_id),
    }
    return str(TokenBackend("HS256", signing_key=SECRET_KEY).encode(claims))


def test_a_seven_megabyte_image_upload_is_413_json(live: Live) -> None:
    token = _member_token(live)
    auth = {**HTTPS, "Authorization": f"Bearer {token}"}
    assert live.request("GET", "/api/profile/", headers=auth).json()["email"] == MEMBER
    boundary = "fasthub-live-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="profile_image"; '
            'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + b"\0" * (7 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    reply = _send_large(
        live,
        "PUT",
        "/api/profile/image-upload/",
        {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        body,
    )
    assert reply.status == 413, reply.body[:300]
    assert reply.headers["Content-Type"] == "application/json"
    assert "detail" in reply.json()


def test_a_seven_megabyte_json_body_is_refused_as_json(live: Live) -> None:
    auth = {**HTTPS, "Authorization": f"Bearer {_member_token(live)}"}
    body = json.dumps({"location": "y" * (7 * 1024 * 1024)}).encode()
    reply = _send_large(
        live, "PATCH", "/api/profile/", {**auth, "Content-Type": "application/json"}, body
    )
    assert reply.status == 413, reply.body[:300]
    assert reply.headers["Content-Type"] == "application/json"
    assert "detail" in reply.json()
    assert live.request("GET", "/api/profile/", headers=auth).json()["location"] is None
