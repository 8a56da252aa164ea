// Signed operations with admin credentials configured: the AWS SDK for JavaScript v3 works with
// the configured key and fails, as AWS answers, with a wrong one; unsigned operations need none.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";

import { useServer } from "./server.mjs";
import { PASSWORD, assertServiceError, uniqueName } from "./support.mjs";

const KEY = "AKIDCOGNATENODE00001";
const SECRET = "node-secret/0001+x";

const server = useServer({ args: ["--admin-access-key-id", KEY, "--admin-secret-access-key", SECRET] });

function client(accessKeyId, secretAccessKey) {
  return new CognitoIdentityProviderClient({
    region: "us-east-1",
    endpoint: server.url,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

describe("signed operations with admin credentials configured", () => {
  test("the SDK with the configured key calls admin operations, and anyone calls SignUp", async () => {
    const idp = client(KEY, SECRET);
    const pool = await idp.send(new CreateUserPoolCommand({ PoolName: uniqueName("signed") }));
    const poolId = pool.UserPool.Id;
    const app = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "app" }));
    await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "jane", MessageAction: "SUPPRESS" }));
    const users = await idp.send(new ListUsersCommand({ UserPoolId: poolId }));
    assert.deepEqual(users.Users.map((u) => u.Username), ["jane"]);
    const anonymous = client("AKIDNOBODY", "nothing");
    await anonymous.send(
      new SignUpCommand({ ClientId: app.UserPoolClient.ClientId, Username: "bob", Password: PASSWORD }),
    );
  });

  test("a wrong secret or an unknown key is refused as AWS refuses it", async () => {
    await assert.rejects(client(KEY, "wrong").send(new ListUserPoolsCommand({ MaxResults: 10 })), (err) => {
      assert.equal(err.name, "InvalidSignatureException");
      assert.match(err.message, /^The request signature we calculated does not match the signature you provided\./);
      return true;
    });
    await assertServiceError(
      client("AKIDNOBODY", SECRET).send(new ListUserPoolsCommand({ MaxResults: 10 })),
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  });

  test("an unsigned admin request is missing its authentication token", async () => {
    const res = await fetch(`${server.url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.ListUserPools",
      },
      body: JSON.stringify({ MaxResults: 10 }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException:");
  });
});
