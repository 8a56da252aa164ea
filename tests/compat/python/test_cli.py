"""The AWS CLI (v1, from the virtualenv) against cognate, changing nothing but --endpoint-url."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CLIENT_ID, CLIENT_SECRET, POOL_ID, UNKNOWN_POOL_ID, unique_name


def find_aws() -> str:
    beside = Path(sys.executable).parent / "aws"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("aws")
    if found:
        return found
    raise FileNotFoundError(
        "the `aws` command was found neither next to the Python interpreter nor on PATH; "
        "install tests/compat/requirements.txt into the virtualenv"
    )


@pytest.fixture(scope="module")
def aws(server, tmp_path_factory):
    binary = find_aws()
    home = tmp_path_factory.mktemp("aws-cli-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            # Keep any config or credentials on this machine out of the run.
            "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    if "AWS_CA_BUNDLE" in os.environ:
        env["AWS_CA_BUNDLE"] = os.environ["AWS_CA_BUNDLE"]

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [
            binary,
            "cognito-idp",
            *args,
            "--endpoint-url",
            server.url,
            "--region",
            "us-east-1",
            "--output",
            "json",
        ]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)

    return run


def ok(result: subprocess.CompletedProcess):
    assert result.returncode == 0, f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return json.loads(result.stdout) if result.stdout.strip() else None


def failed(result: subprocess.CompletedProcess, code: str, message: str) -> None:
    """The CLI exits non-zero and prints `An error occurred (CODE) when calling the OP operation: MESSAGE`."""
    assert result.returncode != 0, f"expected a failure\nstdout: {result.stdout}"
    assert f"({code})" in result.stderr, result.stderr
    said = result.stderr.split(" operation: ", 1)
    assert len(said) == 2, result.stderr
    assert message in said[1], result.stderr


def test_the_cli_creates_and_describes_a_pool(aws):
    name = unique_name("cli")
    pool = ok(aws("create-user-pool", "--pool-name", name))["UserPool"]
    assert POOL_ID.match(pool["Id"]), pool["Id"]
    assert pool["Name"] == name

    described = ok(aws("describe-user-pool", "--user-pool-id", pool["Id"]))["UserPool"]
    assert described["Id"] == pool["Id"]
    assert described["Name"] == name
    assert described["MfaConfiguration"] == "OFF"
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert [a["Name"] for a in described["SchemaAttributes"]][:3] == ["sub", "name", "given_name"]
    assert "CreationDate" in described


def test_the_cli_lists_pools(aws):
    pool_id = ok(aws("create-user-pool", "--pool-name", unique_name("cli")))["UserPool"]["Id"]
    # Giving --max-results turns the CLI's own pagination off: follow NextToken by hand, as a
    # server holding many pools needs.
    ids, token = [], []
    while True:
        page = ok(aws("list-user-pools", "--max-results", "10", *token))
        assert len(page["UserPools"]) <= 10
        ids += [p["Id"] for p in page["UserPools"]]
        if "NextToken" not in page:
            break
        token = ["--next-token", page["NextToken"]]
    assert pool_id in ids
    assert len(ids) == len(set(ids)), "no pool listed twice"


def test_the_cli_creates_a_client_with_a_secret_and_describes_it(aws):
    pool_id = ok(aws("create-user-pool", "--pool-name", unique_name("cli")))["UserPool"]["Id"]
    client = ok(
        aws("create-user-pool-client", "--user-pool-id", pool_id, "--client-name", "cli-app", "--generate-secret")
    )["UserPoolClient"]
    assert CLIENT_ID.match(client["ClientId"]), client["ClientId"]
    assert CLIENT_SECRET.match(client["ClientSecret"]), client["ClientSecret"]

    described = ok(
        aws("describe-user-pool-client", "--user-pool-id", pool_id, "--client-id", client["ClientId"])
    )["UserPoolClient"]
    assert described["ClientName"] == "cli-app"
    assert described["ClientSecret"] == client["ClientSecret"]
    assert described["RefreshTokenValidity"] == 30


def test_the_cli_updates_a_pool(aws):
    pool_id = ok(aws("create-user-pool", "--pool-name", unique_name("cli")))["UserPool"]["Id"]
    ok(aws("update-user-pool", "--user-pool-id", pool_id, "--auto-verified-attributes", "email",
           "--mfa-configuration", "OFF"))
    described = ok(aws("describe-user-pool", "--user-pool-id", pool_id))["UserPool"]
    assert described["AutoVerifiedAttributes"] == ["email"]


def test_the_cli_deletes_a_client_and_then_the_pool(aws):
    pool_id = ok(aws("create-user-pool", "--pool-name", unique_name("cli")))["UserPool"]["Id"]
    client_id = ok(aws("create-user-pool-client", "--user-pool-id", pool_id, "--client-name", "gone"))[
        "UserPoolClient"
    ]["ClientId"]

    ok(aws("delete-user-pool-client", "--user-pool-id", pool_id, "--client-id", client_id))
    failed(
        aws("describe-user-pool-client", "--user-pool-id", pool_id, "--client-id", client_id),
        "ResourceNotFoundException",
        f"User pool client {client_id} does not exist.",
    )

    ok(aws("delete-user-pool", "--user-pool-id", pool_id))
    failed(
        aws("describe-user-pool", "--user-pool-id", pool_id),
        "ResourceNotFoundException",
        f"User pool {pool_id} does not exist.",
    )


def test_the_cli_reports_an_unknown_pool_as_resource_not_found(aws):
    failed(
        aws("describe-user-pool", "--user-pool-id", UNKNOWN_POOL_ID),
        "ResourceNotFoundException",
        f"User pool {UNKNOWN_POOL_ID} does not exist.",
    )


def test_the_cli_reports_an_unimplemented_operation_as_unsupported(aws):
    result = aws("admin-list-devices", "--user-pool-id", UNKNOWN_POOL_ID, "--username", "alice")
    failed(result, "UnsupportedOperationException", "AdminListDevices")
