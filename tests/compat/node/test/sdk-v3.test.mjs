// The AWS SDK for JavaScript v3 (@aws-sdk/client-cognito-identity-provider) against cognate,
// with only the endpoint changed.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  AdminGetUserCommand,
  AdminListDevicesCommand,
  ConfirmSignUpCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";

import { useServer } from "./server.mjs";
import {
  CLIENT_ID,
  EXPLICIT_AUTH_FLOWS,
  PASSWORD,
  POOL_ID,
  UNKNOWN_POOL_ID,
  UUID,
  assertServiceError,
  createPoolAndClient,
  latestCode,
  sdkClient,
  uniqueEmail,
  uniqueName,
  wrongCode,
} from "./support.mjs";

const server = useServer();

describe("the AWS SDK for JavaScript v3", () => {
  test("creates a user pool and an app client that can be described again", async () => {
    const idp = sdkClient(server.url);
    const { poolId, clientId, pool, client } = await createPoolAndClient(idp);
    assert.match(poolId, POOL_ID);
    assert.match(clientId, CLIENT_ID);
    assert.deepEqual(pool.AutoVerifiedAttributes, ["email"]);
    assert.equal(client.UserPoolId, poolId);
    assert.deepEqual([...client.ExplicitAuthFlows].sort(), [...EXPLICIT_AUTH_FLOWS].sort());

    const described = await idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    assert.equal(described.UserPool.Id, poolId);
    assert.equal(described.UserPool.Name, pool.Name);
    const describedClient = await idp.send(
      new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }),
    );
    assert.equal(describedClient.UserPoolClient.ClientId, clientId);
    assert.equal(describedClient.UserPoolClient.ClientName, client.ClientName);
  });

  test("signs up an unconfirmed user and has the code delivered by email", async () => {
    const idp = sdkClient(server.url);
    const { poolId, clientId } = await createPoolAndClient(idp);
    const username = uniqueName("sdk");
    const email = uniqueEmail("sdk");

    const out = await idp.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(out.UserConfirmed, false);
    assert.match(out.UserSub, UUID);
    assert.equal(out.CodeDeliveryDetails.AttributeName, "email");
    assert.equal(out.CodeDeliveryDetails.DeliveryMedium, "EMAIL");
    assert.match(await latestCode(server.url, email), /^\d{6}$/);

    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    assert.equal(user.UserStatus, "UNCONFIRMED");
    assert.equal(user.Enabled, true);
    const attrs = Object.fromEntries(user.UserAttributes.map((a) => [a.Name, a.Value]));
    assert.equal(attrs.email, email);
    assert.equal(attrs.sub, out.UserSub);
  });

  test("rejects a wrong confirmation code with CodeMismatchException", async () => {
    const idp = sdkClient(server.url);
    const { poolId, clientId } = await createPoolAndClient(idp);
    const username = uniqueName("sdk");
    const email = uniqueEmail("sdk");
    await idp.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    const code = await latestCode(server.url, email);

    await assertServiceError(
      idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: wrongCode(code) })),
      "CodeMismatchException",
      "Invalid verification code provided, please try again.",
    );
    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    assert.equal(user.UserStatus, "UNCONFIRMED");

    // The right code still works afterwards.
    await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code }));
    const confirmed = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    assert.equal(confirmed.UserStatus, "CONFIRMED");
  });

  test("reports an unknown user pool as ResourceNotFoundException", async () => {
    const idp = sdkClient(server.url);
    await assert.rejects(idp.send(new DescribeUserPoolCommand({ UserPoolId: UNKNOWN_POOL_ID })), (err) => {
      assert.equal(err.name, "ResourceNotFoundException");
      assert.equal(err.message, `User pool ${UNKNOWN_POOL_ID} does not exist.`);
      assert.equal(err.$fault, "client");
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  test("sees an operation not implemented yet as UnsupportedOperationException naming it", async () => {
    const idp = sdkClient(server.url);
    await assert.rejects(
      idp.send(new AdminListDevicesCommand({ UserPoolId: "us-east-1_abc", Username: "someone" })),
      (err) => {
        assert.equal(err.name, "UnsupportedOperationException");
        assert.match(err.message, /AdminListDevices/);
        assert.equal(err.$metadata.httpStatusCode, 400);
        return true;
      },
    );
  });
});
