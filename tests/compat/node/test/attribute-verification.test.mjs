// amazon-cognito-identity-js against cognate: attribute verification with the signed-in user's
// access token — getAttributeVerificationCode (GetUserAttributeVerificationCode), verifyAttribute
// (VerifyUserAttribute) and the codes updateAttributes (UpdateUserAttributes) sends in a pool that
// auto-verifies email. Users are made with the admin API and signed in with SRP; the codes are read
// from the development messages API.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { AdminCreateUserCommand, AdminSetUserPasswordCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoUserAttribute } from "amazon-cognito-identity-js";

import { useServer } from "./server.mjs";
import {
  PASSWORD,
  assertServiceError,
  authenticate,
  createConfirmedUser,
  createPoolAndClient,
  getUserAttributes,
  identityPool,
  latestCode,
  messagesTo,
  newCognitoUser,
  sdkClient,
  uniqueEmail,
  uniqueName,
  wrongCode,
} from "./support.mjs";

const server = useServer();

const GET_CODE_LIMIT = 5; // codes per user per hour

/** A fresh pool auto-verifying email and a client; a confirmed user in it, signed in with SRP. */
async function signedInUser({ email = uniqueEmail("verify"), emailVerified = false } = {}) {
  const idp = sdkClient(server.url);
  const { poolId, clientId } = await createPoolAndClient(idp);
  const userPool = identityPool(server.url, poolId, clientId);
  let username;
  if (emailVerified) {
    ({ username } = await createConfirmedUser(idp, poolId, { email }));
  } else {
    username = uniqueName("user");
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: username,
        MessageAction: "SUPPRESS",
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    await idp.send(
      new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }),
    );
  }
  const cognitoUser = newCognitoUser(userPool, username);
  const { session } = await authenticate(cognitoUser, username, PASSWORD);
  assert.ok(session, "SRP sign-in did not produce a session");
  return { idp, poolId, clientId, userPool, username, email, cognitoUser };
}

/**
 * `getAttributeVerificationCode`. The library calls `inputVerificationCode(data)` with the service's
 * response when that callback is given, else `onSuccess("SUCCESS")`; this resolves with which one
 * was called and its argument.
 */
function getAttributeVerificationCode(cognitoUser, attributeName, { withInputCallback = true } = {}) {
  return new Promise((resolve, reject) => {
    cognitoUser.getAttributeVerificationCode(attributeName, {
      onSuccess: (result) => resolve({ onSuccess: result }),
      onFailure: reject,
      ...(withInputCallback && { inputVerificationCode: (data) => resolve({ inputVerificationCode: data }) }),
    });
  });
}

function verifyAttribute(cognitoUser, attributeName, code) {
  return new Promise((resolve, reject) => {
    cognitoUser.verifyAttribute(attributeName, code, { onSuccess: resolve, onFailure: reject });
  });
}

/** `updateAttributes`; resolves with the callback's second and third arguments. */
function updateAttributes(cognitoUser, attributes) {
  return new Promise((resolve, reject) => {
    cognitoUser.updateAttributes(attributes, (err, result, details) =>
      err ? reject(err) : resolve({ result, details }),
    );
  });
}

function attributeMap(attributes) {
  return Object.fromEntries(attributes.map((a) => [a.getName(), a.getValue()]));
}

/** The newest code sent to `destination`, checked to be this user's. */
async function codeFor(ctx, destination) {
  const [newest] = await messagesTo(server.url, destination);
  assert.ok(newest, `no message was sent to ${destination}`);
  assert.equal(newest.userPoolId, ctx.poolId);
  assert.equal(newest.username, ctx.username);
  assert.equal(newest.medium, "EMAIL");
  return latestCode(server.url, destination);
}

describe("amazon-cognito-identity-js attribute verification", () => {
  test("sends an email code with getAttributeVerificationCode and verifyAttribute accepts it once", async () => {
    const ctx = await signedInUser({ email: "jane@example.com" });
    const { cognitoUser } = ctx;
    assert.notEqual(attributeMap(await getUserAttributes(cognitoUser)).email_verified, "true");

    const sent = await getAttributeVerificationCode(cognitoUser, "email");
    assert.deepEqual(sent, {
      inputVerificationCode: {
        CodeDeliveryDetails: { AttributeName: "email", DeliveryMedium: "EMAIL", Destination: "j***@e***" },
      },
    });
    const code = await codeFor(ctx, "jane@example.com");

    await assertServiceError(
      verifyAttribute(cognitoUser, "email", wrongCode(code)),
      "CodeMismatchException",
      "Invalid verification code provided, please try again.",
    );
    assert.equal(await verifyAttribute(cognitoUser, "email", code), "SUCCESS");
    const attrs = attributeMap(await getUserAttributes(cognitoUser));
    assert.equal(attrs.email, "jane@example.com");
    assert.equal(attrs.email_verified, "true");

    await assertServiceError(
      verifyAttribute(cognitoUser, "email", code),
      "ExpiredCodeException",
      "Invalid code provided, please request a code again.",
    );
  });

  test("calls onSuccess when getAttributeVerificationCode is given no inputVerificationCode callback", async () => {
    const ctx = await signedInUser();
    const sent = await getAttributeVerificationCode(ctx.cognitoUser, "email", { withInputCallback: false });
    assert.deepEqual(sent, { onSuccess: "SUCCESS" });
    assert.equal(await verifyAttribute(ctx.cognitoUser, "email", await codeFor(ctx, ctx.email)), "SUCCESS");
    assert.equal(attributeMap(await getUserAttributes(ctx.cognitoUser)).email_verified, "true");
  });

  test("refuses a code for an attribute other than email or phone_number with InvalidParameterException", async () => {
    const { cognitoUser } = await signedInUser();
    await assertServiceError(
      getAttributeVerificationCode(cognitoUser, "name"),
      "InvalidParameterException",
      "Invalid attribute name. Only phone_number and email can be verified.",
    );
  });

  test("refuses the sixth code request within an hour with LimitExceededException", async () => {
    const ctx = await signedInUser();
    for (let i = 0; i < GET_CODE_LIMIT; i++) {
      const sent = await getAttributeVerificationCode(ctx.cognitoUser, "email");
      assert.equal(sent.inputVerificationCode.CodeDeliveryDetails.DeliveryMedium, "EMAIL");
    }
    await assertServiceError(
      getAttributeVerificationCode(ctx.cognitoUser, "email"),
      "LimitExceededException",
      "Attempt limit exceeded, please try after some time.",
    );
    assert.equal((await messagesTo(server.url, ctx.email)).length, GET_CODE_LIMIT);
  });

  test("updateAttributes changes the email at once, unverified, and verifyAttribute accepts the new address's code", async () => {
    const ctx = await signedInUser({ emailVerified: true });
    const { cognitoUser } = ctx;
    const newEmail = "new@example.com";

    const { result, details } = await updateAttributes(cognitoUser, [
      new CognitoUserAttribute({ Name: "email", Value: newEmail }),
    ]);
    assert.equal(result, "SUCCESS");
    // The library passes the service's whole response as the third argument.
    assert.deepEqual(details, {
      CodeDeliveryDetailsList: [{ AttributeName: "email", DeliveryMedium: "EMAIL", Destination: "n***@e***" }],
    });
    let attrs = attributeMap(await getUserAttributes(cognitoUser));
    assert.equal(attrs.email, newEmail);
    assert.equal(attrs.email_verified, "false");
    assert.deepEqual(await messagesTo(server.url, ctx.email), []);

    const code = await codeFor(ctx, newEmail);
    assert.equal(await verifyAttribute(cognitoUser, "email", code), "SUCCESS");
    attrs = attributeMap(await getUserAttributes(cognitoUser));
    assert.equal(attrs.email, newEmail);
    assert.equal(attrs.email_verified, "true");
  });
});
