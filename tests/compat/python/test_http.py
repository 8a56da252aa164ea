"""The wire protocol seen without an SDK: AWS JSON 1.1 framing, error shapes, CORS and health."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from conftest import POOL_ID, unique_name

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
AMZ_JSON = "application/x-amz-json-1.1"


class Reply:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers  # an http.client.HTTPMessage: case-insensitive lookups
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def request(url: str, method: str = "POST", path: str = "/", body: bytes | None = None, headers=None) -> Reply:
    req = urllib.request.Request(url + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return Reply(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return Reply(err.code, err.headers, err.read())


def call(url: str, operation: str | None, body, content_type: str = AMZ_JSON, extra=None) -> Reply:
    headers = {"Content-Type": content_type}
    if operation is not None:
        headers["X-Amz-Target"] = TARGET_PREFIX + operation
    headers.update(extra or {})
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    return request(url, body=data, headers=headers)


def assert_error(reply: Reply, code: str) -> dict:
    assert reply.status == 400, (reply.status, reply.body)
    assert reply.headers.get("x-amzn-ErrorType") == f"{code}:", dict(reply.headers)
    assert reply.headers.get("x-amzn-RequestId"), dict(reply.headers)
    body = reply.json()
    assert body["__type"] == code, body
    assert isinstance(body.get("message"), str) and body["message"], body
    return body


def test_an_unknown_target_returns_unknown_operation(server):
    assert_error(call(server.url, "NoSuchOp", {}), "UnknownOperationException")


def test_a_request_without_a_target_returns_unknown_operation(server):
    assert_error(call(server.url, None, {}), "UnknownOperationException")


def test_a_body_that_is_not_json_returns_serialization_exception(server):
    assert_error(call(server.url, "CreateUserPool", b"{not json"), "SerializationException")


def test_a_member_of_the_wrong_type_returns_serialization_exception(server):
    assert_error(call(server.url, "CreateUserPool", {"PoolName": 5}), "SerializationException")


def test_a_service_error_has_the_error_type_header_and_json_body(server):
    body = assert_error(call(server.url, "DescribeUserPool", {"UserPoolId": "us-east-1_NoSuchPool"}),
                        "ResourceNotFoundException")
    assert body["message"] == "User pool us-east-1_NoSuchPool does not exist."


def test_an_unimplemented_operation_names_itself_in_the_error(server):
    body = assert_error(call(server.url, "AdminListDevices", {"UserPoolId": "us-east-1_NoSuchPool", "Username": "a"}),
                        "UnsupportedOperationException")
    assert "AdminListDevices" in body["message"]


def test_a_successful_call_returns_json_and_a_request_id(server):
    reply = call(server.url, "CreateUserPool", {"PoolName": unique_name()})
    assert reply.status == 200, reply.body
    assert reply.headers.get("x-amzn-RequestId")
    assert POOL_ID.match(reply.json()["UserPool"]["Id"])


@pytest.mark.parametrize("content_type", ["application/json", "application/x-amz-json-1.0"])
def test_other_json_content_types_are_accepted(server, content_type):
    reply = call(server.url, "CreateUserPool", {"PoolName": unique_name()}, content_type=content_type)
    assert reply.status == 200, reply.body
    pool_id = reply.json()["UserPool"]["Id"]
    reply = call(server.url, "DescribeUserPool", {"UserPoolId": pool_id}, content_type=content_type)
    assert reply.status == 200, reply.body
    assert reply.json()["UserPool"]["Id"] == pool_id


def test_a_cors_preflight_is_allowed(server):
    requested = ["content-type", "x-amz-target", "x-amz-user-agent", "cache-control"]
    reply = request(
        server.url,
        method="OPTIONS",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": ",".join(requested),
        },
    )
    assert 200 <= reply.status < 300, (reply.status, reply.body)
    assert reply.headers.get("Access-Control-Allow-Origin") in ("*", "http://localhost:3000"), dict(reply.headers)
    allowed = {h.strip().lower() for h in (reply.headers.get("Access-Control-Allow-Headers") or "").split(",")}
    assert "*" in allowed or set(requested) <= allowed, dict(reply.headers)


def test_an_error_response_to_a_browser_carries_cors_headers(server):
    reply = call(
        server.url,
        "DescribeUserPool",
        {"UserPoolId": "us-east-1_NoSuchPool"},
        extra={"Origin": "http://localhost:3000"},
    )
    assert_error(reply, "ResourceNotFoundException")
    assert reply.headers.get("Access-Control-Allow-Origin") in ("*", "http://localhost:3000"), dict(reply.headers)


def test_a_successful_response_to_a_browser_carries_cors_headers(server):
    reply = call(server.url, "ListUserPools", {"MaxResults": 1}, extra={"Origin": "http://localhost:3000"})
    assert reply.status == 200, reply.body
    assert reply.headers.get("Access-Control-Allow-Origin") in ("*", "http://localhost:3000"), dict(reply.headers)


def test_the_health_endpoint_answers_200_with_json(server):
    reply = request(server.url, method="GET", path="/health")
    assert reply.status == 200, (reply.status, reply.body)
    assert isinstance(reply.json(), dict)
