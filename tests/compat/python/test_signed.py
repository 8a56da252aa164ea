"""Signed operations with admin credentials configured: boto3 and the AWS CLI work with the
configured keys and fail, as AWS answers, with wrong ones; unsigned operations need no key."""

from __future__ import annotations

import os
import subprocess
import urllib.request
import urllib.error

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import botocore.exceptions
import pytest

from conftest import REGION, CognateServer, unique_name
from test_cli import find_aws

KEY = "AKIDCOGNATECOMPAT001"
SECRET = "compat-secret/0001+x"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    if os.environ.get("COGNATE_TEST_ENDPOINT"):
        pytest.skip("needs a server this suite starts with admin credentials; an external instance is in use")
    base = tmp_path_factory.mktemp("cognate-signed")
    srv = CognateServer(
        base / "data",
        base / "logs",
        ["--admin-access-key-id", KEY, "--admin-secret-access-key", SECRET],
    )
    srv.start()
    try:
        yield srv
    finally:
        if srv.proc is not None:
            srv.stop()


def client(server: CognateServer, key: str, secret: str):
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"total_max_attempts": 1}),
    )


def error_of(call) -> tuple[str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def test_boto3_with_the_configured_key_calls_admin_and_unsigned_operations(guarded):
    idp = client(guarded, KEY, SECRET)
    pool_id = idp.create_user_pool(PoolName=unique_name())["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="jane", MessageAction="SUPPRESS")
    assert [u["Username"] for u in idp.list_users(UserPoolId=pool_id)["Users"]] == ["jane"]
    # SignUp is unsigned: a client without any valid key may call it.
    anonymous = client(guarded, "AKIDNOBODY", "nothing")
    anonymous.sign_up(ClientId=client_id, Username="bob", Password="Corr3ct-horse!")


def test_boto3_with_a_wrong_secret_or_an_unknown_key_is_refused(guarded):
    code, message = error_of(lambda: client(guarded, KEY, "wrong").create_user_pool(PoolName=unique_name()))
    assert code == "InvalidSignatureException"
    assert message.startswith("The request signature we calculated does not match the signature you provided.")
    code, message = error_of(lambda: client(guarded, "AKIDNOBODY", SECRET).list_user_pools(MaxResults=10))
    assert (code, message) == ("UnrecognizedClientException", "The security token included in the request is invalid.")


def test_an_unsigned_admin_request_is_missing_its_token(guarded):
    request = urllib.request.Request(
        guarded.url + "/",
        data=b'{"MaxResults": 10}',
        headers={
            "content-type": "application/x-amz-json-1.1",
            "x-amz-target": "AWSCognitoIdentityProviderService.ListUserPools",
        },
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(request, timeout=10)
    assert e.value.code == 400
    assert e.value.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException:"


def test_the_messages_api_takes_a_botocore_signature(guarded):
    url = guarded.url + "/_cognate/messages"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    assert e.value.code == 403
    request = botocore.awsrequest.AWSRequest(method="GET", url=url)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(KEY, SECRET), "cognito-idp", REGION).add_auth(request)
    prepared = request.prepare()
    answer = urllib.request.urlopen(urllib.request.Request(url, headers=dict(prepared.headers)), timeout=10)
    assert answer.status == 200


def cli(server: CognateServer, key: str, secret: str, home, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    cmd = [find_aws(), "cognito-idp", *args, "--endpoint-url", server.url, "--region", REGION, "--output", "json"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


def test_the_cli_works_with_the_configured_key_and_fails_with_a_wrong_one(guarded, tmp_path):
    name = unique_name("signed-cli")
    good = cli(guarded, KEY, SECRET, tmp_path, "create-user-pool", "--pool-name", name)
    assert good.returncode == 0, good.stderr
    bad = cli(guarded, KEY, "wrong", tmp_path, "list-user-pools", "--max-results", "10")
    assert bad.returncode != 0
    assert "(InvalidSignatureException)" in bad.stderr, bad.stderr
    unknown = cli(guarded, "AKIDNOBODY", SECRET, tmp_path, "list-user-pools", "--max-results", "10")
    assert unknown.returncode != 0
    assert "(UnrecognizedClientException)" in unknown.stderr, unknown.stderr
