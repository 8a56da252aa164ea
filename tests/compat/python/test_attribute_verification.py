"""Attribute verification through boto3: GetUserAttributeVerificationCode and VerifyUserAttribute
with an access token, and the codes UpdateUserAttributes sends when a pool verifies email.

Users are created with the admin API (no message sent) and signed in with USER_PASSWORD_AUTH; the
codes are read back from the development messages API (``/_cognate/messages``), newest first.
"""

from __future__ import annotations

import contextlib
import json
import re
import urllib.parse
import urllib.request
import uuid

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from conftest import REGION, unique_name

PASSWORD = "Corr3ct-horse!"
ALL_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
VERIFICATION_BODY = re.compile(r"^Your verification code is (\d{6})\. $")
JANE_EMAIL = "jane@example.com"
JANE_PHONE = "+15555551234"
GET_CODE_LIMIT = 5  # codes per user per hour

CODE_MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED_CODE = ("ExpiredCodeException", "Invalid code provided, please request a code again.")
NOT_VERIFIABLE = ("InvalidParameterException", "Invalid attribute name. Only phone_number and email can be verified.")
LIMIT_EXCEEDED = ("LimitExceededException", "Attempt limit exceeded, please try after some time.")
INVALID_TOKEN = ("NotAuthorizedException", "Invalid Access Token")
REVOKED_TOKEN = ("NotAuthorizedException", "Access Token has been revoked")


# -- helpers ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def raises_client_error(expected: tuple[str, str]):
    """Expect a botocore ClientError with this code and exactly this message, as HTTP 400."""
    code, message = expected
    with pytest.raises(ClientError) as info:
        yield info
    err = info.value.response
    assert err["Error"]["Code"] == code, err
    assert err["Error"]["Message"] == message, err
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400, err["ResponseMetadata"]


def messages_to(server, destination: str) -> list[dict]:
    """Messages sent to this address, newest first."""
    query = urllib.parse.urlencode({"destination": destination})
    with urllib.request.urlopen(f"{server.url}/_cognate/messages?{query}", timeout=30) as resp:
        assert resp.status == 200
        body = json.loads(resp.read().decode("utf-8"))
    assert set(body) == {"messages"}, body
    return body["messages"]


def newest_code(server, destination: str, pool_id: str, username: str, medium: str = "EMAIL") -> str:
    """The code in the newest message to ``destination``, which must be this user's."""
    listed = messages_to(server, destination)
    assert listed, f"no message was sent to {destination}"
    newest = listed[0]
    assert (newest["userPoolId"], newest["username"], newest["medium"]) == (pool_id, username, medium), newest
    m = VERIFICATION_BODY.match(newest["body"])
    assert m, f"not a verification message: {newest['body']!r}"
    return m.group(1)


def wrong_code(code: str) -> str:
    """A six-digit code that differs from ``code``."""
    return code[:5] + str((int(code[5]) + 1) % 10)


def unique_username(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def create_pool(idp, **kwargs) -> tuple[str, str]:
    """A pool (email auto-verified unless given otherwise) and an app client allowing password auth."""
    kwargs.setdefault("AutoVerifiedAttributes", ["email"])
    pool_id = idp.create_user_pool(PoolName=unique_name(), **kwargs)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName=unique_name("client"), ExplicitAuthFlows=ALL_FLOWS
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def signed_in_user(idp, pool_id: str, client_id: str, attributes: dict[str, str]) -> dict:
    """A user created by an admin (no message sent) with a permanent password, signed in."""
    username = unique_username()
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    result = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return {"username": username, "access": result["AccessToken"]}


def user_attributes(idp, access_token: str) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=access_token)["UserAttributes"]}


@pytest.fixture(scope="module")
def email_pool(server):
    """A pool that auto-verifies email, and its app client."""
    return create_pool(server.client())


@pytest.fixture
def jane(server, idp, email_pool):
    """jane@example.com with phone +15555551234, neither verified, signed in."""
    pool_id, client_id = email_pool
    user = signed_in_user(idp, pool_id, client_id, {"email": JANE_EMAIL, "phone_number": JANE_PHONE})
    return {"pool_id": pool_id, "client_id": client_id, **user}


# -- 1. the email and the phone number -------------------------------------------------------------


def test_an_emailed_code_verifies_the_email_once_and_wrong_or_used_codes_are_refused(server, idp, jane):
    assert user_attributes(idp, jane["access"]).get("email_verified") != "true"

    sent = idp.get_user_attribute_verification_code(AccessToken=jane["access"], AttributeName="email")
    assert sent["CodeDeliveryDetails"] == {
        "AttributeName": "email",
        "DeliveryMedium": "EMAIL",
        "Destination": "j***@e***",
    }
    code = newest_code(server, JANE_EMAIL, jane["pool_id"], jane["username"])

    with raises_client_error(CODE_MISMATCH):
        idp.verify_user_attribute(AccessToken=jane["access"], AttributeName="email", Code=wrong_code(code))
    assert user_attributes(idp, jane["access"]).get("email_verified") != "true"

    idp.verify_user_attribute(AccessToken=jane["access"], AttributeName="email", Code=code)
    attrs = user_attributes(idp, jane["access"])
    assert attrs["email"] == JANE_EMAIL
    assert attrs["email_verified"] == "true"

    with raises_client_error(EXPIRED_CODE):
        idp.verify_user_attribute(AccessToken=jane["access"], AttributeName="email", Code=code)


def test_a_phone_number_gets_its_code_by_sms_and_the_code_verifies_it(server, idp, jane):
    sent = idp.get_user_attribute_verification_code(AccessToken=jane["access"], AttributeName="phone_number")
    assert sent["CodeDeliveryDetails"] == {
        "AttributeName": "phone_number",
        "DeliveryMedium": "SMS",
        "Destination": "+*******1234",
    }
    code = newest_code(server, JANE_PHONE, jane["pool_id"], jane["username"], medium="SMS")

    idp.verify_user_attribute(AccessToken=jane["access"], AttributeName="phone_number", Code=code)
    attrs = user_attributes(idp, jane["access"])
    assert attrs["phone_number"] == JANE_PHONE
    assert attrs["phone_number_verified"] == "true"
    # Only the phone number was verified.
    assert attrs.get("email_verified") != "true"


# -- 2. what cannot be verified --------------------------------------------------------------------


@pytest.mark.parametrize("attribute", ["name", "custom:x"])
def test_only_email_and_phone_number_can_get_a_verification_code(idp, jane, attribute):
    with raises_client_error(NOT_VERIFIABLE):
        idp.get_user_attribute_verification_code(AccessToken=jane["access"], AttributeName=attribute)


def test_a_user_without_a_phone_number_cannot_get_an_sms_code(idp, email_pool):
    pool_id, client_id = email_pool
    user = signed_in_user(idp, pool_id, client_id, {"email": unique_email("no-phone")})
    with raises_client_error(("InvalidParameterException", "User does not have a valid registered phone number")):
        idp.get_user_attribute_verification_code(AccessToken=user["access"], AttributeName="phone_number")


def test_a_user_without_an_email_cannot_get_an_emailed_code(idp, email_pool):
    pool_id, client_id = email_pool
    user = signed_in_user(idp, pool_id, client_id, {"phone_number": "+15555550000"})
    with raises_client_error(("InvalidParameterException", "User does not have a valid registered email address")):
        idp.get_user_attribute_verification_code(AccessToken=user["access"], AttributeName="email")


# -- 3. the hourly limit ---------------------------------------------------------------------------


def test_the_sixth_code_request_within_an_hour_exceeds_the_limit(server, email_pool):
    # Standard retry mode retries LimitExceededException; one attempt in all means one request per
    # call. (``max_attempts`` would count retries after the first request, not attempts.)
    idp = boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )
    sent_requests = []
    idp.meta.events.register(
        "before-send.cognito-idp.GetUserAttributeVerificationCode",
        lambda request, **_: sent_requests.append(request.url),
    )
    pool_id, client_id = email_pool
    email = unique_email("limit")
    user = signed_in_user(idp, pool_id, client_id, {"email": email})

    for _ in range(GET_CODE_LIMIT):
        sent = idp.get_user_attribute_verification_code(AccessToken=user["access"], AttributeName="email")
        assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    with raises_client_error(LIMIT_EXCEEDED):
        idp.get_user_attribute_verification_code(AccessToken=user["access"], AttributeName="email")
    assert len(sent_requests) == GET_CODE_LIMIT + 1, sent_requests

    # The refused request sent nothing; the fifth code is still the one that verifies.
    assert len(messages_to(server, email)) == GET_CODE_LIMIT
    code = newest_code(server, email, pool_id, user["username"])
    idp.verify_user_attribute(AccessToken=user["access"], AttributeName="email", Code=code)
    assert user_attributes(idp, user["access"])["email_verified"] == "true"


# -- 4. access tokens ------------------------------------------------------------------------------


def test_a_garbage_access_token_is_invalid_for_both_operations(idp):
    with raises_client_error(INVALID_TOKEN):
        idp.get_user_attribute_verification_code(AccessToken="not-a-token", AttributeName="email")
    with raises_client_error(INVALID_TOKEN):
        idp.verify_user_attribute(AccessToken="not-a-token", AttributeName="email", Code="123456")


def test_after_global_sign_out_the_access_token_is_revoked_for_both_operations(server, idp, jane):
    idp.get_user_attribute_verification_code(AccessToken=jane["access"], AttributeName="email")
    code = newest_code(server, JANE_EMAIL, jane["pool_id"], jane["username"])

    idp.global_sign_out(AccessToken=jane["access"])
    with raises_client_error(REVOKED_TOKEN):
        idp.get_user_attribute_verification_code(AccessToken=jane["access"], AttributeName="email")
    with raises_client_error(REVOKED_TOKEN):
        idp.verify_user_attribute(AccessToken=jane["access"], AttributeName="email", Code=code)
    user = idp.admin_get_user(UserPoolId=jane["pool_id"], Username=jane["username"])
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}.get("email_verified") != "true"


# -- 5. codes sent by UpdateUserAttributes ---------------------------------------------------------


def test_changing_the_email_applies_it_unverified_at_once_and_its_code_verifies_it(server, idp, email_pool):
    pool_id, client_id = email_pool
    old, new = unique_email("old"), unique_email("new")
    user = signed_in_user(idp, pool_id, client_id, {"email": old, "email_verified": "true"})

    updated = idp.update_user_attributes(AccessToken=user["access"], UserAttributes=[{"Name": "email", "Value": new}])
    assert updated["CodeDeliveryDetailsList"] == [
        {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    attrs = user_attributes(idp, user["access"])
    assert attrs["email"] == new
    assert attrs["email_verified"] == "false"
    assert messages_to(server, old) == []

    code = newest_code(server, new, pool_id, user["username"])
    idp.verify_user_attribute(AccessToken=user["access"], AttributeName="email", Code=code)
    attrs = user_attributes(idp, user["access"])
    assert attrs["email"] == new
    assert attrs["email_verified"] == "true"


def test_with_verification_before_update_the_new_email_waits_until_its_code_is_verified(server, idp):
    pool_id, client_id = create_pool(
        idp,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    old, new = unique_email("old"), unique_email("new")
    user = signed_in_user(idp, pool_id, client_id, {"email": old, "email_verified": "true"})

    updated = idp.update_user_attributes(AccessToken=user["access"], UserAttributes=[{"Name": "email", "Value": new}])
    assert updated["CodeDeliveryDetailsList"] == [
        {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    # The old address stays in use, and verified, until the new one is verified.
    attrs = user_attributes(idp, user["access"])
    assert attrs["email"] == old
    assert attrs["email_verified"] == "true"
    assert messages_to(server, old) == []

    code = newest_code(server, new, pool_id, user["username"])
    idp.verify_user_attribute(AccessToken=user["access"], AttributeName="email", Code=code)
    attrs = user_attributes(idp, user["access"])
    assert attrs["email"] == new
    assert attrs["email_verified"] == "true"
