"""boto3 against cognate: user pools, app clients, validation, errors and persistence."""

from __future__ import annotations

import contextlib
import datetime
import time

import pytest
from botocore.exceptions import ClientError

from conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    POOL_ARN,
    POOL_ID,
    UNKNOWN_CLIENT_ID,
    UNKNOWN_POOL_ID,
    unique_name,
)

STANDARD_ATTRIBUTES = [
    "sub",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
]

DEFAULT_PASSWORD_POLICY = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}


def expected_standard_attribute(name: str) -> dict:
    """The schema entry the real service describes for a standard attribute of a default pool."""
    base = {"Name": name, "DeveloperOnlyAttribute": False, "Mutable": True, "Required": False}
    if name == "sub":
        return {
            **base,
            "AttributeDataType": "String",
            "Mutable": False,
            "Required": True,
            "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"},
        }
    if name in ("email_verified", "phone_number_verified"):
        return {**base, "AttributeDataType": "Boolean"}
    if name == "updated_at":
        return {**base, "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "0"}}
    if name == "birthdate":
        return {
            **base,
            "AttributeDataType": "String",
            "StringAttributeConstraints": {"MinLength": "10", "MaxLength": "10"},
        }
    return {
        **base,
        "AttributeDataType": "String",
        "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
    }


# -- helpers ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def raises_client_error(code: str, message: str | None = None, contains: tuple[str, ...] = ()):
    """Expect a botocore ClientError with this code, HTTP 400, a request id, and the message."""
    with pytest.raises(ClientError) as info:
        yield info
    err = info.value.response
    assert err["Error"]["Code"] == code, err
    meta = err["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 400, meta
    assert meta.get("RequestId"), f"error response without x-amzn-RequestId: {meta}"
    if message is not None:
        assert err["Error"]["Message"] == message, err
    for part in contains:
        assert part in err["Error"]["Message"], err


def create_pool(idp, **kwargs) -> dict:
    kwargs.setdefault("PoolName", unique_name())
    return idp.create_user_pool(**kwargs)["UserPool"]


def describe_pool(idp, pool_id: str) -> dict:
    return idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]


def describe_client(idp, pool_id: str, client_id: str) -> dict:
    return idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]


def attribute(pool: dict, name: str) -> dict:
    matches = [a for a in pool["SchemaAttributes"] if a["Name"] == name]
    assert len(matches) == 1, f"{name} appears {len(matches)} times in {[a['Name'] for a in pool['SchemaAttributes']]}"
    return matches[0]


def assert_recent(value) -> None:
    assert isinstance(value, datetime.datetime), repr(value)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - value).total_seconds()) < 600, f"{value} is not close to now ({now})"


def strip_meta(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


# -- creating and describing pools -----------------------------------------------------------------


def test_creating_a_pool_returns_a_well_formed_id_arn_and_dates(idp):
    name = unique_name()
    pool = create_pool(idp, PoolName=name)
    assert POOL_ID.match(pool["Id"]), pool["Id"]
    assert pool["Name"] == name
    arn = POOL_ARN.match(pool["Arn"])
    assert arn, pool["Arn"]
    assert arn.group(1) == pool["Id"]
    assert_recent(pool["CreationDate"])
    assert_recent(pool["LastModifiedDate"])


def test_two_pools_get_different_ids(idp):
    assert create_pool(idp)["Id"] != create_pool(idp)["Id"]


def test_describing_a_pool_returns_what_create_returned(idp):
    created = create_pool(idp)
    described = describe_pool(idp, created["Id"])
    for key in ("Id", "Name", "Arn", "CreationDate", "LastModifiedDate", "SchemaAttributes", "Policies"):
        assert described[key] == created[key], key


def test_a_pool_created_with_only_a_name_has_the_twenty_standard_attributes_in_order(idp):
    pool = describe_pool(idp, create_pool(idp)["Id"])
    assert [a["Name"] for a in pool["SchemaAttributes"]] == STANDARD_ATTRIBUTES
    for attr in pool["SchemaAttributes"]:
        assert attr == expected_standard_attribute(attr["Name"])


def test_a_pool_created_with_only_a_name_has_the_service_defaults(idp):
    pool = describe_pool(idp, create_pool(idp)["Id"])
    assert pool["Policies"]["PasswordPolicy"] == DEFAULT_PASSWORD_POLICY
    assert pool["VerificationMessageTemplate"] == {"DefaultEmailOption": "CONFIRM_WITH_CODE"}
    assert pool["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7}
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["LambdaConfig"] == {}
    assert pool["EstimatedNumberOfUsers"] == 0
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert not pool.get("AutoVerifiedAttributes")
    assert not pool.get("UsernameAttributes")
    assert not pool.get("AliasAttributes")


def test_custom_attributes_in_the_schema_appear_with_the_custom_prefix_and_their_types(idp):
    pool = create_pool(
        idp,
        Schema=[
            {
                "Name": "tenant",
                "AttributeDataType": "String",
                "Mutable": False,
                "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"},
            },
            {
                "Name": "level",
                "AttributeDataType": "Number",
                "Mutable": True,
                "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "10"},
            },
            {"Name": "vip", "AttributeDataType": "Boolean"},
            {"Name": "joined", "AttributeDataType": "DateTime"},
        ],
    )
    described = describe_pool(idp, pool["Id"])
    names = [a["Name"] for a in described["SchemaAttributes"]]
    assert names[:20] == STANDARD_ATTRIBUTES
    assert sorted(names[20:]) == ["custom:joined", "custom:level", "custom:tenant", "custom:vip"]

    tenant = attribute(described, "custom:tenant")
    assert tenant["AttributeDataType"] == "String"
    assert tenant["Mutable"] is False
    assert tenant["Required"] is False
    assert tenant["DeveloperOnlyAttribute"] is False
    assert tenant["StringAttributeConstraints"] == {"MinLength": "1", "MaxLength": "64"}

    level = attribute(described, "custom:level")
    assert level["AttributeDataType"] == "Number"
    assert level["Mutable"] is True
    assert level["NumberAttributeConstraints"] == {"MinValue": "0", "MaxValue": "10"}

    assert attribute(described, "custom:vip")["AttributeDataType"] == "Boolean"
    assert attribute(described, "custom:joined")["AttributeDataType"] == "DateTime"


def test_a_standard_attribute_in_the_schema_overrides_its_flags(idp):
    pool = create_pool(
        idp,
        Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}],
    )
    described = describe_pool(idp, pool["Id"])
    assert [a["Name"] for a in described["SchemaAttributes"]] == STANDARD_ATTRIBUTES
    email = attribute(described, "email")
    assert email["Required"] is True
    assert email["Mutable"] is True
    assert email["AttributeDataType"] == "String"
    # The other standard attributes keep their defaults.
    assert attribute(described, "name") == expected_standard_attribute("name")
    assert attribute(described, "sub") == expected_standard_attribute("sub")


def test_settings_given_at_create_are_returned_by_describe(idp):
    settings = {
        "AutoVerifiedAttributes": ["email"],
        "UsernameAttributes": ["email"],
        "UsernameConfiguration": {"CaseSensitive": False},
        "VerificationMessageTemplate": {
            "DefaultEmailOption": "CONFIRM_WITH_LINK",
            "EmailMessageByLink": "Please verify: {##Click here##}",
            "EmailSubjectByLink": "Verify your account",
        },
        "EmailConfiguration": {
            "EmailSendingAccount": "DEVELOPER",
            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com",
            "From": "Example <no-reply@example.com>",
            "ReplyToEmailAddress": "help@example.com",
        },
        "SmsConfiguration": {
            "SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms",
            "ExternalId": "cognate-external-id",
            "SnsRegion": "us-east-1",
        },
        "LambdaConfig": {
            "PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up",
            "PostConfirmation": "arn:aws:lambda:us-east-1:123456789012:function:post-confirmation",
        },
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": False,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
                "TemporaryPasswordValidityDays": 3,
            }
        },
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [
                {"Priority": 1, "Name": "verified_email"},
                {"Priority": 2, "Name": "verified_phone_number"},
            ]
        },
        "UserPoolTags": {"team": "identity", "env": "test"},
        "DeletionProtection": "ACTIVE",
    }
    pool = create_pool(idp, **settings)
    described = describe_pool(idp, pool["Id"])
    for key, value in settings.items():
        if key == "Policies":
            assert described["Policies"]["PasswordPolicy"] == value["PasswordPolicy"]
        else:
            assert described.get(key) == value, key


def test_alias_attributes_given_at_create_are_returned_by_describe(idp):
    pool = create_pool(idp, AliasAttributes=["email", "preferred_username"])
    described = describe_pool(idp, pool["Id"])
    assert sorted(described["AliasAttributes"]) == ["email", "preferred_username"]
    assert not described.get("UsernameAttributes")


def test_describing_an_unknown_pool_returns_resource_not_found(idp):
    with raises_client_error("ResourceNotFoundException", f"User pool {UNKNOWN_POOL_ID} does not exist."):
        idp.describe_user_pool(UserPoolId=UNKNOWN_POOL_ID)


# -- custom attributes -----------------------------------------------------------------------------


def test_adding_custom_attributes_makes_them_part_of_the_schema(idp):
    pool = create_pool(idp)
    response = idp.add_custom_attributes(
        UserPoolId=pool["Id"],
        CustomAttributes=[
            {"Name": "plan", "AttributeDataType": "String", "Mutable": True},
            {"Name": "seats", "AttributeDataType": "Number"},
        ],
    )
    assert strip_meta(response) == {}
    described = describe_pool(idp, pool["Id"])
    assert [a["Name"] for a in described["SchemaAttributes"]][:20] == STANDARD_ATTRIBUTES
    assert attribute(described, "custom:plan")["AttributeDataType"] == "String"
    assert attribute(described, "custom:seats")["AttributeDataType"] == "Number"


def test_adding_a_custom_attribute_whose_name_exists_is_rejected(idp):
    pool = create_pool(idp, Schema=[{"Name": "tenant", "AttributeDataType": "String"}])
    with raises_client_error("InvalidParameterException", "Existing attribute already has name custom:tenant."):
        idp.add_custom_attributes(
            UserPoolId=pool["Id"], CustomAttributes=[{"Name": "tenant", "AttributeDataType": "String"}]
        )
    # The pool still has exactly one such attribute.
    attribute(describe_pool(idp, pool["Id"]), "custom:tenant")


def test_a_pool_holds_fifty_custom_attributes_but_not_fifty_one(idp):
    pool = create_pool(idp)
    for batch in range(2):
        idp.add_custom_attributes(
            UserPoolId=pool["Id"],
            CustomAttributes=[
                {"Name": f"attr{batch * 25 + i}", "AttributeDataType": "String"} for i in range(25)
            ],
        )
    described = describe_pool(idp, pool["Id"])
    assert len([a for a in described["SchemaAttributes"] if a["Name"].startswith("custom:")]) == 50
    with raises_client_error("InvalidParameterException"):
        idp.add_custom_attributes(
            UserPoolId=pool["Id"], CustomAttributes=[{"Name": "onemore", "AttributeDataType": "String"}]
        )
    described = describe_pool(idp, pool["Id"])
    assert all(a["Name"] != "custom:onemore" for a in described["SchemaAttributes"])


def test_adding_custom_attributes_to_an_unknown_pool_returns_resource_not_found(idp):
    with raises_client_error("ResourceNotFoundException", f"User pool {UNKNOWN_POOL_ID} does not exist."):
        idp.add_custom_attributes(
            UserPoolId=UNKNOWN_POOL_ID, CustomAttributes=[{"Name": "x", "AttributeDataType": "String"}]
        )


# -- updating pools --------------------------------------------------------------------------------


def test_updating_a_pool_resets_settings_that_are_not_given(idp):
    pool = create_pool(
        idp,
        AutoVerifiedAttributes=["email"],
        UsernameAttributes=["email"],
        Schema=[{"Name": "tenant", "AttributeDataType": "String"}],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": False,
                "RequireLowercase": False,
                "RequireNumbers": False,
                "RequireSymbols": False,
                "TemporaryPasswordValidityDays": 2,
            }
        },
        LambdaConfig={"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up"},
        VerificationMessageTemplate={
            "DefaultEmailOption": "CONFIRM_WITH_LINK",
            "EmailMessageByLink": "Please verify: {##Click here##}",
            "EmailSubjectByLink": "Verify",
        },
    )
    before = describe_pool(idp, pool["Id"])
    time.sleep(1.1)  # dates are epoch seconds: make sure LastModifiedDate can move

    response = idp.update_user_pool(
        UserPoolId=pool["Id"], AdminCreateUserConfig={"AllowAdminCreateUserOnly": True}
    )
    assert strip_meta(response) == {}

    after = describe_pool(idp, pool["Id"])
    for key in ("Id", "Name", "Arn", "CreationDate", "SchemaAttributes", "UsernameAttributes"):
        assert after[key] == before[key], key
    assert after["LastModifiedDate"] > before["LastModifiedDate"]
    assert after["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert not after.get("AutoVerifiedAttributes"), after.get("AutoVerifiedAttributes")
    assert after["Policies"]["PasswordPolicy"] == DEFAULT_PASSWORD_POLICY
    assert after["LambdaConfig"] == {}
    assert after["VerificationMessageTemplate"] == {"DefaultEmailOption": "CONFIRM_WITH_CODE"}


def test_updating_a_pool_applies_the_settings_given(idp):
    pool = create_pool(idp)
    policy = {
        "MinimumLength": 10,
        "RequireUppercase": True,
        "RequireLowercase": False,
        "RequireNumbers": True,
        "RequireSymbols": False,
        "TemporaryPasswordValidityDays": 5,
    }
    lambdas = {"PreTokenGeneration": "arn:aws:lambda:us-east-1:123456789012:function:pre-token"}
    idp.update_user_pool(
        UserPoolId=pool["Id"],
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": policy},
        LambdaConfig=lambdas,
        UserPoolTags={"stage": "updated"},
    )
    after = describe_pool(idp, pool["Id"])
    assert after["AutoVerifiedAttributes"] == ["email"]
    assert after["Policies"]["PasswordPolicy"] == policy
    assert after["LambdaConfig"] == lambdas
    assert after["UserPoolTags"] == {"stage": "updated"}
    assert after["Name"] == pool["Name"]


def test_updating_an_unknown_pool_returns_resource_not_found(idp):
    with raises_client_error("ResourceNotFoundException", f"User pool {UNKNOWN_POOL_ID} does not exist."):
        idp.update_user_pool(UserPoolId=UNKNOWN_POOL_ID)


# -- deleting pools --------------------------------------------------------------------------------


def test_deleting_a_pool_makes_it_unknown(idp):
    pool = create_pool(idp)
    response = idp.delete_user_pool(UserPoolId=pool["Id"])
    assert strip_meta(response) == {}
    with raises_client_error("ResourceNotFoundException", f"User pool {pool['Id']} does not exist."):
        idp.describe_user_pool(UserPoolId=pool["Id"])
    with raises_client_error("ResourceNotFoundException", f"User pool {pool['Id']} does not exist."):
        idp.delete_user_pool(UserPoolId=pool["Id"])


def test_deleting_an_unknown_pool_returns_resource_not_found(idp):
    with raises_client_error("ResourceNotFoundException", f"User pool {UNKNOWN_POOL_ID} does not exist."):
        idp.delete_user_pool(UserPoolId=UNKNOWN_POOL_ID)


def test_a_pool_with_deletion_protection_cannot_be_deleted_until_it_is_inactivated(idp):
    pool = create_pool(idp, DeletionProtection="ACTIVE")
    with raises_client_error(
        "InvalidParameterException",
        "The user pool cannot be deleted because deletion protection is activated. "
        "Deletion protection must be inactivated first.",
    ):
        idp.delete_user_pool(UserPoolId=pool["Id"])
    assert describe_pool(idp, pool["Id"])["DeletionProtection"] == "ACTIVE"

    idp.update_user_pool(UserPoolId=pool["Id"], DeletionProtection="INACTIVE")
    idp.delete_user_pool(UserPoolId=pool["Id"])
    with raises_client_error("ResourceNotFoundException"):
        idp.describe_user_pool(UserPoolId=pool["Id"])


def test_deleting_a_pool_deletes_its_clients(idp):
    pool = create_pool(idp)
    client = idp.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app")["UserPoolClient"]
    idp.delete_user_pool(UserPoolId=pool["Id"])
    with raises_client_error("ResourceNotFoundException"):
        idp.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=client["ClientId"])
    with raises_client_error("ResourceNotFoundException", f"User pool {pool['Id']} does not exist."):
        idp.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=10)


# -- listing pools ---------------------------------------------------------------------------------


def test_listing_pools_pages_through_every_pool_exactly_once(fresh_server):
    idp = fresh_server.client()
    created = {create_pool(idp)["Id"] for _ in range(5)}

    seen: list[str] = []
    pages = 0
    kwargs = {"MaxResults": 2}
    while True:
        page = idp.list_user_pools(**kwargs)
        pages += 1
        assert len(page["UserPools"]) <= 2
        seen.extend(p["Id"] for p in page["UserPools"])
        token = page.get("NextToken")
        if not token:
            break
        assert pages < 10, "pagination does not terminate"
        kwargs = {"MaxResults": 2, "NextToken": token}

    assert pages >= 3
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))


def test_listed_pools_carry_id_name_and_dates(fresh_server):
    idp = fresh_server.client()
    name = unique_name()
    pool = create_pool(idp, PoolName=name)
    listed = idp.list_user_pools(MaxResults=60)["UserPools"]
    assert len(listed) == 1
    entry = listed[0]
    assert entry["Id"] == pool["Id"]
    assert entry["Name"] == name
    assert_recent(entry["CreationDate"])
    assert_recent(entry["LastModifiedDate"])


def test_the_list_user_pools_paginator_collects_every_pool(fresh_server):
    idp = fresh_server.client()
    created = {create_pool(idp)["Id"] for _ in range(5)}
    paginator = idp.get_paginator("list_user_pools")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    ids = [p["Id"] for page in pages for p in page["UserPools"]]
    assert len(pages) >= 3
    assert sorted(ids) == sorted(created)
    built = paginator.paginate(PaginationConfig={"PageSize": 2}).build_full_result()
    assert sorted(p["Id"] for p in built["UserPools"]) == sorted(created)


def test_a_deleted_pool_is_no_longer_listed(fresh_server):
    idp = fresh_server.client()
    keep = create_pool(idp)["Id"]
    gone = create_pool(idp)["Id"]
    idp.delete_user_pool(UserPoolId=gone)
    assert [p["Id"] for p in idp.list_user_pools(MaxResults=60)["UserPools"]] == [keep]


# -- app clients -----------------------------------------------------------------------------------


@pytest.fixture
def pool_id(idp):
    return create_pool(idp, Schema=[{"Name": "tenant", "AttributeDataType": "String"}])["Id"]


def test_a_client_created_with_only_a_name_has_the_service_defaults(idp, pool_id):
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"]
    assert CLIENT_ID.match(created["ClientId"]), created["ClientId"]
    assert "ClientSecret" not in created

    client = describe_client(idp, pool_id, created["ClientId"])
    assert client["UserPoolId"] == pool_id
    assert client["ClientName"] == "web"
    assert client["ClientId"] == created["ClientId"]
    assert "ClientSecret" not in client
    assert client["RefreshTokenValidity"] == 30
    assert client["AllowedOAuthFlowsUserPoolClient"] is False
    assert client["EnableTokenRevocation"] is True
    assert client["EnablePropagateAdditionalUserContextData"] is False
    assert client["AuthSessionValidity"] == 3
    assert "AccessTokenValidity" not in client
    assert "IdTokenValidity" not in client
    assert "ExplicitAuthFlows" not in client
    assert_recent(client["CreationDate"])
    assert_recent(client["LastModifiedDate"])


def test_generate_secret_gives_a_secret_that_describe_returns_again(idp, pool_id):
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="backend", GenerateSecret=True)[
        "UserPoolClient"
    ]
    assert CLIENT_ID.match(created["ClientId"]), created["ClientId"]
    assert CLIENT_SECRET.match(created["ClientSecret"]), created["ClientSecret"]
    described = describe_client(idp, pool_id, created["ClientId"])
    assert described["ClientSecret"] == created["ClientSecret"]


def test_two_clients_get_different_ids_and_secrets(idp, pool_id):
    a = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="a", GenerateSecret=True)["UserPoolClient"]
    b = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="b", GenerateSecret=True)["UserPoolClient"]
    assert a["ClientId"] != b["ClientId"]
    assert a["ClientSecret"] != b["ClientSecret"]


CLIENT_SETTINGS = {
    "RefreshTokenValidity": 10,
    "AccessTokenValidity": 60,
    "IdTokenValidity": 120,
    "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
    "ReadAttributes": ["custom:tenant", "email", "name"],
    "WriteAttributes": ["email", "name"],
    "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"],
    "SupportedIdentityProviders": ["COGNITO"],
    "CallbackURLs": ["https://app.example.com/callback"],
    "LogoutURLs": ["https://app.example.com/logout"],
    "DefaultRedirectURI": "https://app.example.com/callback",
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["email", "openid"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "PreventUserExistenceErrors": "ENABLED",
    "EnableTokenRevocation": True,
    "AuthSessionValidity": 10,
}


def assert_client_settings(client: dict, settings: dict) -> None:
    for key, value in settings.items():
        got = client.get(key)
        if isinstance(value, list):
            # The service does not promise an order for these sets.
            assert sorted(got or []) == sorted(value), key
        else:
            assert got == value, key


def test_client_settings_given_at_create_are_returned_by_describe(idp, pool_id):
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="spa", **CLIENT_SETTINGS)[
        "UserPoolClient"
    ]
    assert_client_settings(created, CLIENT_SETTINGS)
    assert_client_settings(describe_client(idp, pool_id, created["ClientId"]), CLIENT_SETTINGS)


def test_updating_a_client_resets_what_is_not_given_and_keeps_the_secret(idp, pool_id):
    created = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="before", GenerateSecret=True, **CLIENT_SETTINGS
    )["UserPoolClient"]
    time.sleep(1.1)
    updated = idp.update_user_pool_client(UserPoolId=pool_id, ClientId=created["ClientId"], ClientName="after")[
        "UserPoolClient"
    ]
    assert updated["ClientName"] == "after"

    client = describe_client(idp, pool_id, created["ClientId"])
    assert client["ClientName"] == "after"
    assert client["ClientId"] == created["ClientId"]
    assert client["ClientSecret"] == created["ClientSecret"]
    assert client["CreationDate"] == created["CreationDate"]
    assert client["LastModifiedDate"] > created["LastModifiedDate"]
    assert client["RefreshTokenValidity"] == 30
    assert client["AuthSessionValidity"] == 3
    assert client["AllowedOAuthFlowsUserPoolClient"] is False
    for key in ("AccessTokenValidity", "IdTokenValidity", "ExplicitAuthFlows", "CallbackURLs", "AllowedOAuthFlows"):
        assert not client.get(key), f"{key} survived an update that did not give it: {client.get(key)!r}"


def test_updating_a_client_applies_the_settings_given(idp, pool_id):
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="plain")["UserPoolClient"]
    settings = {
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
        "AccessTokenValidity": 2,
        "TokenValidityUnits": {"AccessToken": "hours"},
        "ReadAttributes": ["email"],
    }
    idp.update_user_pool_client(UserPoolId=pool_id, ClientId=created["ClientId"], ClientName="plain", **settings)
    assert_client_settings(describe_client(idp, pool_id, created["ClientId"]), settings)


def test_describing_an_unknown_client_returns_resource_not_found(idp, pool_id):
    with raises_client_error("ResourceNotFoundException", f"User pool client {UNKNOWN_CLIENT_ID} does not exist."):
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=UNKNOWN_CLIENT_ID)


def test_updating_an_unknown_client_returns_resource_not_found(idp, pool_id):
    with raises_client_error("ResourceNotFoundException", f"User pool client {UNKNOWN_CLIENT_ID} does not exist."):
        idp.update_user_pool_client(UserPoolId=pool_id, ClientId=UNKNOWN_CLIENT_ID, ClientName="x")


def test_deleting_an_unknown_client_returns_resource_not_found(idp, pool_id):
    with raises_client_error("ResourceNotFoundException", f"User pool client {UNKNOWN_CLIENT_ID} does not exist."):
        idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=UNKNOWN_CLIENT_ID)


def test_a_client_is_unknown_in_another_pool(idp, pool_id):
    other = create_pool(idp)["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="mine")["UserPoolClient"]["ClientId"]
    with raises_client_error("ResourceNotFoundException", f"User pool client {client_id} does not exist."):
        idp.describe_user_pool_client(UserPoolId=other, ClientId=client_id)


def test_deleting_a_client_makes_it_unknown(idp, pool_id):
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="temp")["UserPoolClient"]["ClientId"]
    assert strip_meta(idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)) == {}
    with raises_client_error("ResourceNotFoundException", f"User pool client {client_id} does not exist."):
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    listed = idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    assert client_id not in [c["ClientId"] for c in listed]


def test_creating_a_client_in_an_unknown_pool_returns_resource_not_found(idp):
    with raises_client_error("ResourceNotFoundException", f"User pool {UNKNOWN_POOL_ID} does not exist."):
        idp.create_user_pool_client(UserPoolId=UNKNOWN_POOL_ID, ClientName="x")


def test_listing_clients_of_an_unknown_pool_returns_resource_not_found(idp):
    with raises_client_error("ResourceNotFoundException", f"User pool {UNKNOWN_POOL_ID} does not exist."):
        idp.list_user_pool_clients(UserPoolId=UNKNOWN_POOL_ID, MaxResults=10)


def test_listing_clients_pages_through_every_client_exactly_once(idp, pool_id):
    created = {
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{i}")["UserPoolClient"]["ClientId"]: f"c{i}"
        for i in range(5)
    }
    seen: dict[str, str] = {}
    pages = 0
    kwargs = {"UserPoolId": pool_id, "MaxResults": 2}
    while True:
        page = idp.list_user_pool_clients(**kwargs)
        pages += 1
        assert len(page["UserPoolClients"]) <= 2
        for entry in page["UserPoolClients"]:
            assert entry["ClientId"] not in seen, "a client was listed twice"
            assert entry["UserPoolId"] == pool_id
            seen[entry["ClientId"]] = entry["ClientName"]
        token = page.get("NextToken")
        if not token:
            break
        assert pages < 10, "pagination does not terminate"
        kwargs = {"UserPoolId": pool_id, "MaxResults": 2, "NextToken": token}
    assert pages >= 3
    assert seen == created


def test_listing_clients_without_max_results_returns_them_all(idp, pool_id):
    created = {
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{i}")["UserPoolClient"]["ClientId"]
        for i in range(3)
    }
    page = idp.list_user_pool_clients(UserPoolId=pool_id)
    assert {c["ClientId"] for c in page["UserPoolClients"]} == created
    assert not page.get("NextToken")


def test_the_list_user_pool_clients_paginator_collects_every_client(idp, pool_id):
    created = {
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{i}")["UserPoolClient"]["ClientId"]
        for i in range(5)
    }
    pages = list(
        idp.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, PaginationConfig={"PageSize": 2})
    )
    ids = [c["ClientId"] for page in pages for c in page["UserPoolClients"]]
    assert len(pages) >= 3
    assert sorted(ids) == sorted(created)


# -- operations not implemented yet ----------------------------------------------------------------


@pytest.mark.parametrize(
    "method, operation, params",
    [
        ("admin_list_devices", "AdminListDevices", {"Username": "alice"}),
        ("describe_risk_configuration", "DescribeRiskConfiguration", {}),
        ("list_user_import_jobs", "ListUserImportJobs", {"MaxResults": 10}),
    ],
)
def test_an_operation_that_is_not_implemented_returns_unsupported_operation(idp, method, operation, params):
    pool = create_pool(idp)
    with raises_client_error("UnsupportedOperationException", contains=(operation,)):
        getattr(idp, method)(UserPoolId=pool["Id"], **params)


# -- validation ------------------------------------------------------------------------------------


def test_a_malformed_pool_id_is_rejected_with_the_service_validation_message(raw_idp):
    with raises_client_error(
        "InvalidParameterException",
        "1 validation error detected: Value 'x y' at 'userPoolId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
    ):
        raw_idp.describe_user_pool(UserPoolId="x y")


def test_listing_pools_with_max_results_zero_is_rejected(raw_idp):
    with raises_client_error(
        "InvalidParameterException",
        contains=("maxResults", "Member must have value greater than or equal to 1"),
    ):
        raw_idp.list_user_pools(MaxResults=0)


def test_listing_pools_with_max_results_above_sixty_is_rejected(raw_idp):
    with raises_client_error(
        "InvalidParameterException",
        contains=("maxResults", "Member must have value less than or equal to 60"),
    ):
        raw_idp.list_user_pools(MaxResults=61)


def test_listing_pools_without_max_results_is_rejected(raw_idp):
    with raises_client_error("InvalidParameterException", contains=("maxResults", "Member must not be null")):
        raw_idp.list_user_pools()


def test_creating_a_pool_without_a_name_is_rejected(raw_idp):
    with raises_client_error(
        "InvalidParameterException",
        "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: "
        "Member must not be null",
    ):
        raw_idp.create_user_pool()


def test_a_password_policy_shorter_than_six_is_rejected(raw_idp):
    with raises_client_error(
        "InvalidParameterException",
        contains=("policies.passwordPolicy.minimumLength", "Member must have value greater than or equal to 6"),
    ):
        raw_idp.create_user_pool(PoolName=unique_name(), Policies={"PasswordPolicy": {"MinimumLength": 5}})


def test_an_unknown_explicit_auth_flow_is_rejected(raw_idp):
    pool_id = raw_idp.create_user_pool(PoolName=unique_name())["UserPool"]["Id"]
    with raises_client_error("InvalidParameterException", contains=("explicitAuthFlows", "enum value set")):
        raw_idp.create_user_pool_client(UserPoolId=pool_id, ClientName="x", ExplicitAuthFlows=["BOGUS"])


# -- response metadata -----------------------------------------------------------------------------


def test_every_response_carries_a_request_id(idp):
    first = idp.list_user_pools(MaxResults=1)["ResponseMetadata"]
    second = idp.list_user_pools(MaxResults=1)["ResponseMetadata"]
    assert first["HTTPStatusCode"] == 200
    assert first["RequestId"]
    assert first["HTTPHeaders"]["x-amzn-requestid"] == first["RequestId"]
    assert second["RequestId"] and second["RequestId"] != first["RequestId"]


def test_an_error_response_carries_a_request_id_and_status_400(idp):
    with pytest.raises(ClientError) as info:
        idp.describe_user_pool(UserPoolId=UNKNOWN_POOL_ID)
    meta = info.value.response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 400
    assert meta["RequestId"]
    assert meta["HTTPHeaders"]["x-amzn-requestid"] == meta["RequestId"]


# -- persistence -----------------------------------------------------------------------------------


def test_pools_and_clients_survive_a_restart(fresh_server):
    idp = fresh_server.client()
    pool = create_pool(
        idp,
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": False}],
        AutoVerifiedAttributes=["email"],
        UserPoolTags={"keep": "me"},
    )
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="server-side", GenerateSecret=True, ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]
    pool_before = describe_pool(idp, pool["Id"])
    client_before = describe_client(idp, pool["Id"], client["ClientId"])

    fresh_server.restart()
    idp = fresh_server.client()

    assert describe_pool(idp, pool["Id"]) == pool_before
    client_after = describe_client(idp, pool["Id"], client["ClientId"])
    assert client_after == client_before
    assert client_after["ClientSecret"] == client["ClientSecret"]
    assert attribute(pool_before, "custom:tenant")["Mutable"] is False
    assert [p["Id"] for p in idp.list_user_pools(MaxResults=60)["UserPools"]] == [pool["Id"]]
    assert [c["ClientId"] for c in idp.list_user_pool_clients(UserPoolId=pool["Id"])["UserPoolClients"]] == [
        client["ClientId"]
    ]


def test_a_deleted_pool_stays_deleted_after_a_restart(fresh_server):
    idp = fresh_server.client()
    pool_id = create_pool(idp)["Id"]
    idp.delete_user_pool(UserPoolId=pool_id)
    fresh_server.restart()
    with raises_client_error("ResourceNotFoundException", f"User pool {pool_id} does not exist."):
        fresh_server.client().describe_user_pool(UserPoolId=pool_id)
