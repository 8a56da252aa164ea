"""Users and sign-in through boto3 and pycognito, the development messages API and the tokens.

Codes are read back from the messages API (``/_cognate/messages``) and from the LocalStack-compatible
inspection paths (``/_aws/ses``, ``/_aws/sns/sms-messages``); tokens are checked against the pool's
JWKS with PyJWT, and pycognito signs in with SRP exactly as it does against AWS.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import boto3
import botocore.config
import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP

from conftest import REGION, unique_name

PASSWORD = "Corr3ct-horse!"
OTHER_PASSWORD = "Anoth3r-horse!"
ALL_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
VERIFICATION_BODY = re.compile(r"^Your verification code is (\d{6})\. $")
MESSAGE_KEYS = {"id", "userPoolId", "username", "medium", "destination", "subject", "body", "createdAt", "status"}


# -- helpers ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def raises_client_error(code: str, message: str):
    """Expect a botocore ClientError with this code and exactly this message, as HTTP 400."""
    with pytest.raises(ClientError) as info:
        yield info
    err = info.value.response
    assert err["Error"]["Code"] == code, err
    assert err["Error"]["Message"] == message, err
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400, err["ResponseMetadata"]


def http(url: str, method: str = "GET") -> tuple[int, object]:
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


def get_json(url: str):
    status, body = http(url)
    assert status == 200, (url, status, body)
    return body


def messages(server, **filters) -> list[dict]:
    query = urllib.parse.urlencode(filters)
    body = get_json(f"{server.url}/_cognate/messages" + (f"?{query}" if query else ""))
    assert set(body) == {"messages"}, body
    return body["messages"]


def verification_code(body: str) -> str:
    m = VERIFICATION_BODY.match(body)
    assert m, f"not a verification message: {body!r}"
    return m.group(1)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def unique_username(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_pool(idp, **kwargs) -> str:
    kwargs.setdefault("PoolName", unique_name())
    return idp.create_user_pool(**kwargs)["UserPool"]["Id"]


def create_client(idp, pool_id: str, **kwargs) -> str:
    kwargs.setdefault("ClientName", unique_name("client"))
    kwargs.setdefault("ExplicitAuthFlows", ALL_FLOWS)
    return idp.create_user_pool_client(UserPoolId=pool_id, **kwargs)["UserPoolClient"]["ClientId"]


def email_pool(idp) -> tuple[str, str]:
    pool_id = create_pool(idp, AutoVerifiedAttributes=["email"])
    return pool_id, create_client(idp, pool_id)


def confirmed_user(idp, pool_id: str, username: str | None = None, email: str | None = None) -> str:
    """An administratively created, confirmed user with PASSWORD, and no message sent."""
    username = username or unique_username()
    attrs = [{"Name": "email", "Value": email}] if email else []
    idp.admin_create_user(UserPoolId=pool_id, Username=username, UserAttributes=attrs, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    return username


def password_auth(idp, client_id: str, username: str, password: str = PASSWORD) -> dict:
    return idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


def b64url_json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def jwt_parts(token: str) -> tuple[dict, dict]:
    header, payload, signature = token.split(".")
    assert signature
    return b64url_json(header), b64url_json(payload)


def attributes(user: dict, key: str = "UserAttributes") -> dict:
    return {a["Name"]: a["Value"] for a in user[key]}


def wait_for_status(server, destination: str, status: str, timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        newest = messages(server, destination=destination)[0]
        if newest["status"] == status or time.monotonic() > deadline:
            return newest
        time.sleep(0.02)


@pytest.fixture(scope="module")
def signed_in(server):
    """A pool, a client and a confirmed user signed in with USER_PASSWORD_AUTH."""
    idp = server.client()
    pool_id, client_id = email_pool(idp)
    email = unique_email("tokens")
    username = confirmed_user(idp, pool_id, email=email)
    result = password_auth(idp, client_id, username)["AuthenticationResult"]
    return {
        "pool_id": pool_id,
        "client_id": client_id,
        "username": username,
        "email": email,
        "access": result["AccessToken"],
        "id": result["IdToken"],
        "refresh": result["RefreshToken"],
    }


# -- 1. the whole flow -----------------------------------------------------------------------------


def test_sign_up_confirm_sign_in_get_user_and_global_sign_out_work_end_to_end(server, idp):
    pool_id, client_id = email_pool(idp)
    username = unique_username("jane")

    # Sign up: not yet confirmed, a code is sent to the email.
    signed_up = idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "jane@example.com"}],
    )
    assert signed_up["UserConfirmed"] is False
    assert signed_up["CodeDeliveryDetails"] == {
        "Destination": "j***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert UUID.match(signed_up["UserSub"]), signed_up["UserSub"]

    # The code, from the development messages API (newest first).
    listed = messages(server, destination="jane@example.com")
    assert listed, "no message for jane@example.com"
    newest = listed[0]
    assert set(newest) == MESSAGE_KEYS, newest
    assert newest["userPoolId"] == pool_id
    assert newest["username"] == username
    assert newest["medium"] == "EMAIL"
    assert newest["destination"] == "jane@example.com"
    assert newest["subject"] == "Your verification code"
    assert newest["status"] in ("pending", "sent"), newest
    assert isinstance(newest["createdAt"], (int, float)) and abs(newest["createdAt"] - time.time()) < 300, newest
    code = verification_code(newest["body"])

    wrong = "000000" if code != "000000" else "111111"
    with raises_client_error("CodeMismatchException", "Invalid verification code provided, please try again."):
        idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=wrong)
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=code)

    # Sign in with the password.
    auth = password_auth(idp, client_id, username)
    result = auth["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert result["ExpiresIn"] == 3600
    for name in ("AccessToken", "IdToken", "RefreshToken"):
        assert isinstance(result.get(name), str) and result[name], (name, result)
    assert "ChallengeName" not in auth or auth["ChallengeName"] is None, auth

    # The user, as the access token sees it.
    me = idp.get_user(AccessToken=result["AccessToken"])
    assert me["Username"] == username
    attrs = attributes(me)
    assert attrs["email"] == "jane@example.com"
    assert attrs["email_verified"] == "true"
    assert attrs["sub"] == signed_up["UserSub"]

    # Sign out everywhere: the access and refresh tokens stop working.
    idp.global_sign_out(AccessToken=result["AccessToken"])
    with raises_client_error("NotAuthorizedException", "Access Token has been revoked"):
        idp.get_user(AccessToken=result["AccessToken"])
    with raises_client_error("NotAuthorizedException", "Invalid Refresh Token"):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )


def test_a_refresh_token_gives_new_access_and_id_tokens_before_sign_out(idp, signed_in):
    refreshed = idp.initiate_auth(
        ClientId=signed_in["client_id"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": signed_in["refresh"]},
    )["AuthenticationResult"]
    assert refreshed["TokenType"] == "Bearer"
    assert refreshed["ExpiresIn"] == 3600
    assert refreshed["AccessToken"] and refreshed["IdToken"]
    # Cognito does not hand out a new refresh token on REFRESH_TOKEN_AUTH.
    assert "RefreshToken" not in refreshed, refreshed
    assert idp.get_user(AccessToken=refreshed["AccessToken"])["Username"] == signed_in["username"]


def test_the_messages_api_filters_by_pool_username_and_medium(server, idp):
    pool_id, client_id = email_pool(idp)
    username = unique_username()
    email = unique_email()
    idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    for filters in ({"userPoolId": pool_id}, {"username": username}, {"destination": email, "medium": "EMAIL"}):
        listed = messages(server, **filters)
        assert [m["destination"] for m in listed] == [email], (filters, listed)
    assert messages(server, destination=email, medium="SMS") == []


def test_a_message_is_marked_sent_shortly_after_the_call_returns(server, idp):
    pool_id, client_id = email_pool(idp)
    email = unique_email()
    idp.sign_up(
        ClientId=client_id,
        Username=unique_username(),
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    assert wait_for_status(server, email, "sent")["status"] == "sent"


def test_a_resent_confirmation_code_is_listed_first_and_the_new_code_confirms(server, idp):
    pool_id, client_id = email_pool(idp)
    username = unique_username()
    email = unique_email()
    idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    resent = idp.resend_confirmation_code(ClientId=client_id, Username=username)
    assert resent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert resent["CodeDeliveryDetails"]["AttributeName"] == "email"
    listed = messages(server, destination=email)
    assert len(listed) == 2, listed
    assert listed[0]["createdAt"] >= listed[1]["createdAt"]
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=verification_code(listed[0]["body"]))
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"


# -- 2. errors -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def error_pool(server):
    idp = server.client()
    pool_id, client_id = email_pool(idp)
    username = confirmed_user(idp, pool_id)
    return {"pool_id": pool_id, "client_id": client_id, "username": username}


def test_a_wrong_password_is_not_authorized(idp, error_pool):
    with raises_client_error("NotAuthorizedException", "Incorrect username or password."):
        password_auth(idp, error_pool["client_id"], error_pool["username"], "Wr0ng-password!")


def test_an_unknown_user_is_not_found(idp, error_pool):
    with raises_client_error("UserNotFoundException", "User does not exist."):
        password_auth(idp, error_pool["client_id"], unique_username("nobody"))


def test_an_unconfirmed_user_cannot_sign_in(idp, error_pool):
    username = unique_username()
    idp.sign_up(
        ClientId=error_pool["client_id"],
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": unique_email()}],
    )
    with raises_client_error("UserNotConfirmedException", "User is not confirmed."):
        password_auth(idp, error_pool["client_id"], username)


def test_signing_up_twice_with_one_username_is_refused(idp, error_pool):
    with raises_client_error("UsernameExistsException", "User already exists"):
        idp.sign_up(
            ClientId=error_pool["client_id"],
            Username=error_pool["username"],
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": unique_email()}],
        )


def test_a_password_without_digits_breaks_the_default_policy(idp, error_pool):
    with raises_client_error(
        "InvalidPasswordException", "Password did not conform with policy: Password must have numeric characters"
    ):
        idp.sign_up(
            ClientId=error_pool["client_id"],
            Username=unique_username(),
            Password="Password-only-Letters!",
            UserAttributes=[{"Name": "email", "Value": unique_email()}],
        )


def test_a_garbage_access_token_is_invalid(idp):
    with raises_client_error("NotAuthorizedException", "Invalid Access Token"):
        idp.get_user(AccessToken="not-a-token")


def test_an_id_token_is_not_accepted_as_an_access_token(idp, signed_in):
    with raises_client_error("NotAuthorizedException", "Invalid Access Token"):
        idp.get_user(AccessToken=signed_in["id"])


# -- 3. pycognito and SRP --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def srp_user(server):
    idp = server.client()
    pool_id, client_id = email_pool(idp)
    email = unique_email("srp")
    username = confirmed_user(idp, pool_id, email=email)
    return {"pool_id": pool_id, "client_id": client_id, "username": username, "email": email}


def test_pycognito_aws_srp_signs_in_with_user_srp_auth(server, idp, srp_user):
    srp = AWSSRP(
        username=srp_user["username"],
        password=PASSWORD,
        pool_id=srp_user["pool_id"],
        client_id=srp_user["client_id"],
        client=idp,
    )
    tokens = srp.authenticate_user()
    result = tokens["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert result["ExpiresIn"] == 3600
    assert result["AccessToken"] and result["IdToken"] and result["RefreshToken"]
    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == srp_user["username"]


def test_pycognito_aws_srp_with_a_wrong_password_is_not_authorized(idp, srp_user):
    srp = AWSSRP(
        username=srp_user["username"],
        password="Wr0ng-password!",
        pool_id=srp_user["pool_id"],
        client_id=srp_user["client_id"],
        client=idp,
    )
    with pytest.raises(ClientError) as info:
        srp.authenticate_user()
    err = info.value.response["Error"]
    assert err["Code"] == "NotAuthorizedException", err
    assert err["Message"] == "Incorrect username or password.", err


def test_pycognito_aws_srp_for_an_unknown_user_is_not_found(idp, srp_user):
    srp = AWSSRP(
        username=unique_username("nobody"),
        password=PASSWORD,
        pool_id=srp_user["pool_id"],
        client_id=srp_user["client_id"],
        client=idp,
    )
    with pytest.raises(ClientError) as info:
        srp.authenticate_user()
    err = info.value.response["Error"]
    assert err["Code"] == "UserNotFoundException", err
    assert err["Message"] == "User does not exist.", err


def pycognito_user(server, srp_user: dict) -> Cognito:
    user = Cognito(
        srp_user["pool_id"],
        srp_user["client_id"],
        username=srp_user["username"],
        session=boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION),
        botocore_config=botocore.config.Config(retries={"total_max_attempts": 1}),
        boto3_client_kwargs={"endpoint_url": server.url},
    )
    # pycognito takes the issuer (and the JWKS location) to be the endpoint: right when clients
    # reach the service at its public URL; an instance reached directly behind it is told.
    user.pool_domain_url = server.public_url
    return user


def test_pycognito_cognito_authenticates_with_srp_and_verifies_the_tokens_against_the_jwks(server, srp_user):
    user = pycognito_user(server, srp_user)
    assert user.user_pool_url == f"{server.public_url}/{srp_user['pool_id']}"
    # authenticate() runs SRP, then verifies both tokens' RS256 signatures, issuer, audience and
    # token_use against {url}/{poolId}/.well-known/jwks.json.
    user.authenticate(password=PASSWORD)
    assert user.token_type == "Bearer"
    assert user.access_claims["token_use"] == "access"
    assert user.access_claims["username"] == srp_user["username"]
    assert user.id_claims["token_use"] == "id"
    assert user.id_claims["aud"] == srp_user["client_id"]
    assert user.id_claims["email"] == srp_user["email"]

    me = user.get_user()
    assert me.username == srp_user["username"]
    assert me.email == srp_user["email"]

    # A refresh through pycognito: new tokens, verified again.
    old_access = user.access_token
    user.renew_access_token()
    assert user.access_token != old_access
    assert user.access_claims["token_use"] == "access"
    assert user.check_token(renew=False) is False

    # Logging out revokes the access token it held.
    access = user.access_token
    user.logout()
    with raises_client_error("NotAuthorizedException", "Access Token has been revoked"):
        user.client.get_user(AccessToken=access)


def test_pycognito_cognito_with_a_wrong_password_is_not_authorized(server, srp_user):
    user = pycognito_user(server, srp_user)
    with pytest.raises(ClientError) as info:
        user.authenticate(password="Wr0ng-password!")
    err = info.value.response["Error"]
    assert err["Code"] == "NotAuthorizedException", err
    assert err["Message"] == "Incorrect username or password.", err


def test_pycognito_register_and_confirm_sign_up_use_the_emailed_code(server, idp):
    pool_id, client_id = email_pool(idp)
    username = unique_username()
    email = unique_email()
    user = pycognito_user(server, {"pool_id": pool_id, "client_id": client_id, "username": username})
    user.set_base_attributes(email=email)
    registered = user.register(username, PASSWORD)
    assert registered["UserConfirmed"] is False
    assert registered["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    user.confirm_sign_up(verification_code(messages(server, destination=email)[0]["body"]), username=username)
    user.authenticate(password=PASSWORD)
    assert user.id_claims["email_verified"] is True


# -- 4. the admin flow -----------------------------------------------------------------------------


def test_an_invited_user_sets_a_new_password_on_first_sign_in(server, idp):
    pool_id, client_id = email_pool(idp)
    username = unique_username("invited")
    email = unique_email("invited")

    created = idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": email}],
        DesiredDeliveryMediums=["EMAIL"],
    )["User"]
    assert created["Username"] == username
    assert created["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert created["Enabled"] is True

    listed = messages(server, destination=email)
    assert len(listed) == 1, listed
    invitation = listed[0]
    assert invitation["subject"] == "Your temporary password"
    assert invitation["username"] == username
    assert invitation["medium"] == "EMAIL"
    m = re.match(rf"^Your username is {re.escape(username)} and temporary password is (.+)\. $", invitation["body"])
    assert m, invitation["body"]
    temporary = m.group(1)

    challenge = password_auth(idp, client_id, username, temporary)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert challenge["Session"]
    assert "AuthenticationResult" not in challenge, challenge
    params = challenge["ChallengeParameters"]
    assert {"USER_ID_FOR_SRP", "requiredAttributes", "userAttributes"} <= set(params), params
    assert params["USER_ID_FOR_SRP"] == username
    assert json.loads(params["requiredAttributes"]) == []
    assert json.loads(params["userAttributes"])["email"] == email

    answered = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": OTHER_PASSWORD},
        Session=challenge["Session"],
    )
    result = answered["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert result["AccessToken"] and result["IdToken"] and result["RefreshToken"]

    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    # The new password works, the temporary one no longer does.
    assert password_auth(idp, client_id, username, OTHER_PASSWORD)["AuthenticationResult"]["AccessToken"]
    with raises_client_error("NotAuthorizedException", "Incorrect username or password."):
        password_auth(idp, client_id, username, temporary)


# -- 5. LocalStack-compatible inspection paths -----------------------------------------------------


def test_the_ses_inspection_path_lists_emails_in_localstacks_shape(server, idp):
    pool_id, client_id = email_pool(idp)
    username = unique_username()
    email = unique_email("ses")
    idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    idp.resend_confirmation_code(ClientId=client_id, Username=username)

    body = get_json(f"{server.url}/_aws/ses?email={urllib.parse.quote(email)}")
    assert set(body) == {"messages"}, body
    listed = body["messages"]
    assert len(listed) == 2, listed
    for message in listed:
        assert set(message) == {"Id", "Region", "Destination", "Source", "Subject", "Body", "Timestamp"}, message
        assert message["Region"] == "us-east-1"
        assert message["Destination"] == {"ToAddresses": [email]}
        assert isinstance(message["Source"], str) and "@" in message["Source"], message
        assert message["Subject"] == "Your verification code"
        assert set(message["Body"]) == {"text_part", "html_part"}, message
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", message["Timestamp"]), message
    assert listed[0]["Timestamp"] >= listed[1]["Timestamp"]
    # Newest first: the resent code is the one that confirms.
    ids = [m["id"] for m in messages(server, destination=email)]
    assert [m["Id"] for m in listed] == ids

    idp.confirm_sign_up(
        ClientId=client_id, Username=username, ConfirmationCode=verification_code(listed[0]["Body"]["text_part"])
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"


def test_deleting_the_messages_empties_the_list(fresh_server):
    idp = fresh_server.client()
    pool_id, client_id = email_pool(idp)
    for _ in range(2):
        idp.sign_up(
            ClientId=client_id,
            Username=unique_username(),
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": unique_email()}],
        )
    assert len(messages(fresh_server)) == 2
    status, body = http(f"{fresh_server.url}/_cognate/messages", method="DELETE")
    assert (status, body) == (200, {"deleted": 2})
    assert messages(fresh_server) == []
    assert get_json(f"{fresh_server.url}/_aws/ses") == {"messages": []}
    status, body = http(f"{fresh_server.url}/_cognate/messages", method="DELETE")
    assert (status, body) == (200, {"deleted": 0})


def test_an_sms_code_is_listed_by_the_sns_inspection_path_and_confirms_the_user(fresh_server):
    # A fresh server: the phone number is fixed, so no other test's SMS can be listed with it.
    idp = fresh_server.client()
    pool_id = create_pool(idp, AutoVerifiedAttributes=["phone_number"])
    client_id = create_client(idp, pool_id)
    username = unique_username("sms")
    phone = "+15555550123"

    signed_up = idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "phone_number", "Value": phone}],
    )
    assert signed_up["UserConfirmed"] is False
    assert signed_up["CodeDeliveryDetails"] == {
        "Destination": "+*******0123",
        "DeliveryMedium": "SMS",
        "AttributeName": "phone_number",
    }

    body = get_json(f"{fresh_server.url}/_aws/sns/sms-messages?phoneNumber=%2B15555550123")
    assert set(body) == {"region", "sms_messages"}, body
    assert body["region"] == "us-east-1"
    assert list(body["sms_messages"]) == [phone], body
    sms = body["sms_messages"][phone]
    assert len(sms) == 1, sms
    assert set(sms[0]) == {"PhoneNumber", "Message", "MessageId"}, sms
    assert sms[0]["PhoneNumber"] == phone
    assert sms[0]["MessageId"]
    code = verification_code(sms[0]["Message"])

    # The same message in the cognate listing, as SMS without a subject line in the body.
    listed = messages(fresh_server, destination=phone)
    assert [(m["id"], m["medium"], m["body"]) for m in listed] == [(sms[0]["MessageId"], "SMS", sms[0]["Message"])]
    # And not in the SES listing.
    assert get_json(f"{fresh_server.url}/_aws/ses?email={urllib.parse.quote(phone)}") == {"messages": []}

    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=code)
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    assert attributes(user)["phone_number_verified"] == "true"


# -- 6. tokens -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jwks(server, signed_in):
    return get_json(f"{server.url}/{signed_in['pool_id']}/.well-known/jwks.json")


def signing_key(jwks: dict, token: str):
    kid = jwt.get_unverified_header(token)["kid"]
    matches = [k for k in jwks["keys"] if k["kid"] == kid]
    assert len(matches) == 1, (kid, jwks)
    return jwt.algorithms.RSAAlgorithm.from_jwk(matches[0])


def test_the_access_token_carries_cognitos_claims(server, signed_in):
    header, claims = jwt_parts(signed_in["access"])
    assert header["alg"] == "RS256"
    assert header["kid"]
    assert claims["iss"] == f"{server.public_url}/{signed_in['pool_id']}"
    assert claims["token_use"] == "access"
    assert claims["scope"] == "aws.cognito.signin.user.admin"
    assert claims["client_id"] == signed_in["client_id"]
    assert claims["username"] == signed_in["username"]
    assert UUID.match(claims["sub"]), claims
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["auth_time"] <= claims["iat"]
    assert UUID.match(claims["jti"]) and UUID.match(claims["origin_jti"]), claims
    assert "aud" not in claims, claims


def test_the_id_token_carries_the_users_attributes(server, signed_in):
    _, claims = jwt_parts(signed_in["id"])
    assert claims["iss"] == f"{server.public_url}/{signed_in['pool_id']}"
    assert claims["token_use"] == "id"
    assert claims["aud"] == signed_in["client_id"]
    assert claims["cognito:username"] == signed_in["username"]
    assert claims["email"] == signed_in["email"]
    assert claims["sub"] == jwt_parts(signed_in["access"])[1]["sub"]


def test_the_jwks_lists_the_tokens_signing_key(signed_in, jwks):
    assert set(jwks) == {"keys"}, jwks
    for token in (signed_in["access"], signed_in["id"]):
        kid = jwt_parts(token)[0]["kid"]
        matches = [k for k in jwks["keys"] if k["kid"] == kid]
        assert len(matches) == 1, (kid, jwks)
        key = matches[0]
        assert key["alg"] == "RS256"
        assert key["kty"] == "RSA"
        assert key["e"] == "AQAB"
        assert key.get("use") == "sig"
        assert len(base64.urlsafe_b64decode(key["n"] + "=" * (-len(key["n"]) % 4))) >= 256, "modulus under 2048 bits"


def test_the_openid_configuration_names_the_issuer_and_jwks_uri(server, signed_in):
    issuer = f"{server.public_url}/{signed_in['pool_id']}"
    config = get_json(f"{issuer}/.well-known/openid-configuration")
    assert config["issuer"] == issuer
    assert config["jwks_uri"] == f"{issuer}/.well-known/jwks.json"


def test_an_unknown_pool_has_no_jwks(server):
    status, _ = http(f"{server.url}/us-east-1_NoSuchPool/.well-known/jwks.json")
    assert status == 404


def test_the_access_token_signature_verifies_with_pyjwt(server, signed_in, jwks):
    claims = jwt.decode(
        signed_in["access"],
        signing_key(jwks, signed_in["access"]),
        algorithms=["RS256"],
        issuer=f"{server.public_url}/{signed_in['pool_id']}",
        options={"verify_aud": False, "require": ["exp", "iat", "iss", "sub"]},
    )
    assert claims["token_use"] == "access"


def test_the_id_token_signature_verifies_with_pyjwt_for_the_client_audience(server, signed_in, jwks):
    claims = jwt.decode(
        signed_in["id"],
        signing_key(jwks, signed_in["id"]),
        algorithms=["RS256"],
        audience=signed_in["client_id"],
        issuer=f"{server.public_url}/{signed_in['pool_id']}",
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
    assert claims["token_use"] == "id"
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(
            signed_in["id"],
            signing_key(jwks, signed_in["id"]),
            algorithms=["RS256"],
            audience="some-other-client",
        )


def test_pyjwks_client_fetches_the_key_over_http(server, signed_in):
    client = jwt.PyJWKClient(f"{server.url}/{signed_in['pool_id']}/.well-known/jwks.json")
    key = client.get_signing_key_from_jwt(signed_in["access"])
    claims = jwt.decode(signed_in["access"], key.key, algorithms=["RS256"], options={"verify_aud": False})
    assert claims["client_id"] == signed_in["client_id"]


def test_a_tampered_access_token_fails_verification(idp, signed_in, jwks):
    header, payload, signature = signed_in["access"].split(".")
    claims = b64url_json(payload)
    claims["username"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = f"{header}.{forged_payload}.{signature}"
    key = signing_key(jwks, signed_in["access"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key, algorithms=["RS256"], options={"verify_aud": False})
    # The server refuses it too.
    with raises_client_error("NotAuthorizedException", "Invalid Access Token"):
        idp.get_user(AccessToken=forged)
