"""Real email delivery over SMTP, received by a real SMTP server (aiosmtpd).

cognate is started with ``--smtp-host 127.0.0.1 --smtp-port <port> --smtp-security none --smtp-from
"Cognate <no-reply@example.com>"``; the API call only writes the message to the outbox and the
server's outbox worker delivers it asynchronously, so the tests poll the SMTP handler's inbox. The
development messages API (``/_cognate/messages``) reports each message's delivery ``status``.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import json
import re
import socket
import threading
import time
import urllib.parse
import urllib.request
import uuid

import pytest
from aiosmtpd.controller import Controller

from conftest import CognateServer, unique_name

PASSWORD = "Corr3ct-horse!"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
DEFAULT_FROM = "Cognate <no-reply@example.com>"
VERIFICATION_BODY = re.compile(r"^Your verification code is (\d{6})\. $")
DELIVERY_TIMEOUT = 10.0


# -- the SMTP server -------------------------------------------------------------------------------


class Received:
    """One message as the SMTP server received it."""

    def __init__(self, mail_from: str, rcpt_tos: list[str], message: email.message.Message):
        self.mail_from = mail_from
        self.rcpt_tos = rcpt_tos
        self.message = message

    @property
    def body(self) -> str:
        """The decoded text body, line endings normalised and the final line break removed."""
        assert not self.message.is_multipart(), self.message.as_string()
        payload = self.message.get_payload(decode=True)
        text = payload.decode(self.message.get_content_charset() or "utf-8")
        return text.replace("\r\n", "\n").rstrip("\n")

    def __repr__(self) -> str:
        return f"Received(mail_from={self.mail_from!r}, rcpt_tos={self.rcpt_tos!r}, message={self.message.as_string()!r})"


class CollectingHandler:
    """aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self._lock = threading.Lock()
        self._messages: list[Received] = []

    async def handle_DATA(self, server, session, envelope):
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), email.message_from_bytes(envelope.content))
        with self._lock:
            self._messages.append(received)
        return "250 Message accepted for delivery"

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages() if address in m.rcpt_tos]

    def wait_for(self, address: str, timeout: float = DELIVERY_TIMEOUT) -> list[Received]:
        """Poll until at least one message for ``address`` has arrived (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.to(address)
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def free_port() -> int:
    """A port that was free a moment ago (bound, read, closed): nothing listens on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def inbox(smtp) -> CollectingHandler:
    return smtp.handler


def smtp_args(port: int) -> list[str]:
    return ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none", "--smtp-from", DEFAULT_FROM]


@pytest.fixture(scope="module")
def smtp_server(smtp, tmp_path_factory):
    """A cognate server that sends email to the module's SMTP server."""
    base = tmp_path_factory.mktemp("cognate-smtp")
    srv = CognateServer(base / "data", base / "logs", extra_args=smtp_args(smtp.port))
    srv.start()
    try:
        yield srv
    finally:
        if srv.proc is not None:
            srv.stop()


@pytest.fixture
def unreachable_smtp_server(tmp_path):
    """A cognate server whose SMTP port has nothing listening on it."""
    srv = CognateServer(tmp_path / "data", tmp_path / "logs", extra_args=smtp_args(free_port()))
    srv.start()
    try:
        yield srv
    finally:
        if srv.proc is not None:
            srv.stop()


# -- helpers ---------------------------------------------------------------------------------------


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def dev_messages(server, destination: str) -> list[dict]:
    query = urllib.parse.urlencode({"destination": destination})
    with urllib.request.urlopen(f"{server.url}/_cognate/messages?{query}", timeout=30) as resp:
        assert resp.status == 200
        body = json.loads(resp.read().decode("utf-8"))
    assert set(body) == {"messages"}, body
    return body["messages"]


def wait_for_status(server, destination: str, status: str, timeout: float = 5.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        listed = dev_messages(server, destination)
        if (listed and listed[0]["status"] == status) or time.monotonic() > deadline:
            return listed
        time.sleep(0.05)


def signed_in_user(idp, email_address: str, **pool_kwargs) -> dict:
    """A pool verifying email, a client, and a confirmed user with that email, signed in."""
    pool_id = idp.create_user_pool(PoolName=unique_name(), AutoVerifiedAttributes=["email"], **pool_kwargs)[
        "UserPool"
    ]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName=unique_name("client"), ExplicitAuthFlows=FLOWS)[
        "UserPoolClient"
    ]["ClientId"]
    username = f"user-{uuid.uuid4().hex[:10]}"
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": email_address}],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    auth = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    return {"pool_id": pool_id, "client_id": client_id, "username": username, "access": auth["AuthenticationResult"]["AccessToken"]}


def request_email_code(idp, user: dict) -> dict:
    sent = idp.get_user_attribute_verification_code(AccessToken=user["access"], AttributeName="email")
    return sent["CodeDeliveryDetails"]


def the_code(received: Received) -> str:
    m = VERIFICATION_BODY.match(received.body)
    assert m, f"not a verification email body: {received.body!r}"
    return m.group(1)


def attributes(user: dict) -> dict:
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


# -- tests -----------------------------------------------------------------------------------------


def test_a_verification_code_is_delivered_by_smtp_and_verifies_the_email(smtp_server, inbox):
    idp = smtp_server.client()
    address = unique_email("smtp")
    user = signed_in_user(idp, address)

    details = request_email_code(idp, user)
    assert details["DeliveryMedium"] == "EMAIL", details
    assert details["AttributeName"] == "email", details

    received = inbox.wait_for(address)
    assert len(received) == 1, received
    mail = received[0]

    # Envelope and headers.
    assert mail.rcpt_tos == [address], mail
    assert mail.mail_from == "no-reply@example.com", mail
    assert email.utils.parseaddr(mail.message["From"]) == ("Cognate", "no-reply@example.com"), mail.message["From"]
    assert [addr for _, addr in email.utils.getaddresses(mail.message.get_all("To", []))] == [address], mail
    assert mail.message["Subject"] == "Your verification code", mail
    assert mail.message.get_content_type() == "text/plain", mail

    # Body: the default verification message.
    code = the_code(mail)

    # The messages API reports the same message as sent.
    listed = wait_for_status(smtp_server, address, "sent")
    assert len(listed) == 1, listed
    assert listed[0]["status"] == "sent", listed
    assert listed[0]["medium"] == "EMAIL", listed
    assert listed[0]["subject"] == "Your verification code", listed
    assert listed[0]["body"] == f"Your verification code is {code}. ", listed
    assert listed[0]["userPoolId"] == user["pool_id"], listed
    assert listed[0]["username"] == user["username"], listed

    # The emailed code verifies the address.
    assert attributes(idp.get_user(AccessToken=user["access"])).get("email_verified") != "true"
    idp.verify_user_attribute(AccessToken=user["access"], AttributeName="email", Code=code)
    assert attributes(idp.get_user(AccessToken=user["access"]))["email_verified"] == "true"

    # Exactly one email was delivered for this user.
    assert len(inbox.to(address)) == 1, inbox.to(address)


def test_a_developer_email_configuration_sends_from_the_pools_own_address(smtp_server, inbox):
    idp = smtp_server.client()
    address = unique_email("team")
    user = signed_in_user(
        idp,
        address,
        EmailConfiguration={
            "EmailSendingAccount": "DEVELOPER",
            "From": "Team <team@example.com>",
            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
        },
    )

    request_email_code(idp, user)

    received = inbox.wait_for(address)
    assert len(received) == 1, received
    mail = received[0]
    assert mail.rcpt_tos == [address], mail
    assert mail.mail_from == "team@example.com", mail
    assert email.utils.parseaddr(mail.message["From"]) == ("Team", "team@example.com"), mail.message["From"]
    assert mail.message["Subject"] == "Your verification code", mail
    code = the_code(mail)

    listed = wait_for_status(smtp_server, address, "sent")
    assert listed and listed[0]["status"] == "sent", listed
    idp.verify_user_attribute(AccessToken=user["access"], AttributeName="email", Code=code)
    assert attributes(idp.get_user(AccessToken=user["access"]))["email_verified"] == "true"


def test_an_unreachable_smtp_server_does_not_fail_the_call_and_the_message_stays_pending(
    unreachable_smtp_server, smtp, inbox
):
    srv = unreachable_smtp_server
    idp = srv.client()
    address = unique_email("down")
    user = signed_in_user(idp, address)

    # The call succeeds: delivery happens later, from the outbox.
    details = request_email_code(idp, user)
    assert details["DeliveryMedium"] == "EMAIL", details

    listed = dev_messages(srv, address)
    assert len(listed) == 1, listed
    assert listed[0]["subject"] == "Your verification code", listed
    assert VERIFICATION_BODY.match(listed[0]["body"]), listed

    # For about two seconds the worker keeps failing to connect; the message is never "sent".
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        listed = dev_messages(srv, address)
        assert len(listed) == 1, listed
        assert listed[0]["status"] == "pending", listed
        time.sleep(0.1)

    # Durable: once the server is restarted with a reachable SMTP server, the stored message is
    # delivered on a later retry.
    srv.extra_args = smtp_args(smtp.port)
    srv.restart()
    received = inbox.wait_for(address, timeout=15.0)
    assert len(received) == 1, (received, dev_messages(srv, address), srv.stderr_text())
    assert received[0].body == listed[0]["body"], received
    listed = wait_for_status(srv, address, "sent")
    assert listed[0]["status"] == "sent", listed
