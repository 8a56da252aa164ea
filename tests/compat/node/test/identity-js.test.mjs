// amazon-cognito-identity-js against cognate: sign-up and confirmation, SRP sign-in
// (USER_SRP_AUTH + PASSWORD_VERIFIER), the NEW_PASSWORD_REQUIRED challenge, GetUser, refresh and
// global sign-out. The library is pointed at the server with the pool's `endpoint` option.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { AdminCreateUserCommand, AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoUserAttribute } from "amazon-cognito-identity-js";

import { useServer } from "./server.mjs";
import {
  PASSWORD,
  TEMPORARY_PASSWORD,
  UUID,
  assertServiceError,
  authenticate,
  completeNewPasswordChallenge,
  confirmRegistration,
  createConfirmedUser,
  createPoolAndClient,
  getUserAttributes,
  globalSignOut,
  identityPool,
  jwtPayload,
  latestCode,
  newCognitoUser,
  refreshSession,
  sdkClient,
  signUp,
  uniqueEmail,
  uniqueName,
  webStorage,
} from "./support.mjs";

const server = useServer();

/**
 * A fresh pool and client, the SDK for admin calls, and the library's pool object on them (with
 * the library's default storage unless one is given).
 */
async function setUp(storage = undefined) {
  const idp = sdkClient(server.url);
  const { poolId, clientId } = await createPoolAndClient(idp);
  const userPool = identityPool(server.url, poolId, clientId, storage);
  return { idp, poolId, clientId, userPool };
}

/** A confirmed user (made with the admin API) signed in through the library with SRP. */
async function signedInUser(storage = undefined) {
  const ctx = await setUp(storage);
  const { idp, poolId, userPool } = ctx;
  const { username, email } = await createConfirmedUser(idp, poolId);
  const cognitoUser = newCognitoUser(userPool, username);
  const { session } = await authenticate(cognitoUser, username, PASSWORD);
  assert.ok(session, "SRP sign-in did not produce a session");
  return { ...ctx, username, email, cognitoUser, session };
}

function attributeMap(attributes) {
  return Object.fromEntries(attributes.map((a) => [a.getName(), a.getValue()]));
}

describe("amazon-cognito-identity-js", () => {
  test("signs up, confirms with the emailed code and signs in with SRP", async () => {
    const { idp, poolId, clientId, userPool } = await setUp();
    const username = uniqueName("js");
    const email = uniqueEmail("js");

    const result = await signUp(userPool, username, PASSWORD, [
      new CognitoUserAttribute({ Name: "email", Value: email }),
    ]);
    assert.equal(result.userConfirmed, false);
    assert.match(result.userSub, UUID);
    assert.equal(result.codeDeliveryDetails.AttributeName, "email");
    assert.equal(result.codeDeliveryDetails.DeliveryMedium, "EMAIL");
    assert.equal(result.user.getUsername(), username);

    const code = await latestCode(server.url, email);
    assert.equal(await confirmRegistration(result.user, code), "SUCCESS");
    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    assert.equal(user.UserStatus, "CONFIRMED");
    const stored = Object.fromEntries(user.UserAttributes.map((a) => [a.Name, a.Value]));
    assert.equal(stored.email_verified, "true");

    const cognitoUser = newCognitoUser(userPool, username);
    const { session } = await authenticate(cognitoUser, username, PASSWORD);
    assert.equal(session.isValid(), true);
    assert.equal(cognitoUser.getSignInUserSession(), session);

    const access = session.getAccessToken().decodePayload();
    assert.equal(access.token_use, "access");
    assert.equal(access.scope, "aws.cognito.signin.user.admin");
    assert.equal(access.client_id, clientId);
    assert.equal(access.username, username);
    assert.equal(access.sub, result.userSub);
    assert.equal(access.iss, `${server.url}/${poolId}`);

    const id = session.getIdToken().decodePayload();
    assert.equal(id.token_use, "id");
    assert.equal(id.aud, clientId);
    assert.equal(id["cognito:username"], username);
    assert.equal(id.email, email);
    assert.equal(id.email_verified, true);
    assert.equal(id.sub, result.userSub);
    assert.equal(id.iss, `${server.url}/${poolId}`);

    assert.ok(session.getRefreshToken().getToken(), "no refresh token");
  });

  test("fails an SRP sign-in with a wrong password with NotAuthorizedException", async () => {
    const { idp, poolId, userPool } = await setUp();
    const { username } = await createConfirmedUser(idp, poolId);
    const cognitoUser = newCognitoUser(userPool, username);
    await assert.rejects(authenticate(cognitoUser, username, "Wr0ng-password!"), (err) => {
      assert.equal(err.code, "NotAuthorizedException");
      assert.equal(err.name, "NotAuthorizedException");
      assert.equal(err.message, "Incorrect username or password.");
      return true;
    });
    assert.equal(cognitoUser.getSignInUserSession(), null);
  });

  test("reads the user's attributes with getUserAttributes", async () => {
    const { cognitoUser, email, session } = await signedInUser();
    const attrs = attributeMap(await getUserAttributes(cognitoUser));
    assert.equal(attrs.email, email);
    assert.equal(attrs.email_verified, "true");
    assert.equal(attrs.sub, session.getIdToken().decodePayload().sub);
  });

  test("revokes the access token with globalSignOut", async () => {
    const { cognitoUser } = await signedInUser();
    assert.equal(await globalSignOut(cognitoUser), "SUCCESS");
    // The library keeps its in-memory session; GetUser is sent with the now revoked access token.
    await assertServiceError(getUserAttributes(cognitoUser), "NotAuthorizedException", "Access Token has been revoked");
  });

  test("completes the new password challenge of a user created by an admin", async () => {
    const { idp, poolId, clientId, userPool } = await setUp();
    const username = uniqueName("admin-made");
    const email = uniqueEmail("admin-made");
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: username,
        TemporaryPassword: TEMPORARY_PASSWORD,
        MessageAction: "SUPPRESS",
        UserAttributes: [
          { Name: "email", Value: email },
          { Name: "email_verified", Value: "true" },
        ],
      }),
    );
    const before = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    assert.equal(before.UserStatus, "FORCE_CHANGE_PASSWORD");

    const cognitoUser = newCognitoUser(userPool, username);
    const outcome = await authenticate(cognitoUser, username, TEMPORARY_PASSWORD);
    assert.ok(outcome.newPasswordRequired, "expected the newPasswordRequired callback");
    const { userAttributes, requiredAttributes } = outcome.newPasswordRequired;
    assert.equal(userAttributes.email, email);
    assert.deepEqual(requiredAttributes, []);

    const session = await completeNewPasswordChallenge(cognitoUser, PASSWORD, {});
    assert.equal(session.isValid(), true);
    assert.equal(session.getAccessToken().decodePayload().username, username);
    assert.equal(session.getAccessToken().decodePayload().client_id, clientId);
    assert.equal(session.getIdToken().decodePayload().aud, clientId);
    assert.ok(session.getRefreshToken().getToken(), "no refresh token");

    const after = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    assert.equal(after.UserStatus, "CONFIRMED");

    // The new password is the one that works from now on.
    const again = newCognitoUser(userPool, username);
    const { session: second } = await authenticate(again, username, PASSWORD);
    assert.equal(second.isValid(), true);
  });

  test("refreshes the session with the refresh token", async () => {
    const { cognitoUser, session, clientId, username, email } = await signedInUser();
    const oldAccess = session.getAccessToken().getJwtToken();
    const oldPayload = jwtPayload(oldAccess);

    const refreshed = await refreshSession(cognitoUser, session.getRefreshToken());
    assert.equal(refreshed.isValid(), true);
    const newAccess = refreshed.getAccessToken().getJwtToken();
    assert.notEqual(newAccess, oldAccess);
    const access = jwtPayload(newAccess);
    assert.equal(access.token_use, "access");
    assert.equal(access.client_id, clientId);
    assert.equal(access.username, username);
    assert.equal(access.sub, oldPayload.sub);
    assert.notEqual(access.jti, oldPayload.jti);
    const id = refreshed.getIdToken().decodePayload();
    assert.equal(id.aud, clientId);
    assert.equal(id.email, email);
    // The library keeps the refresh token it was given when the service returns none.
    assert.equal(refreshed.getRefreshToken().getToken(), session.getRefreshToken().getToken());

    // The new access token is accepted by the service.
    assert.equal(cognitoUser.getSignInUserSession(), refreshed);
    const attrs = attributeMap(await getUserAttributes(cognitoUser));
    assert.equal(attrs.email, email);
  });

  test("refreshes the session when the storage answers null for missing keys, as a browser's localStorage does", async () => {
    // With Web Storage semantics refreshSession sends `"DEVICE_KEY": null` in AuthParameters (the
    // device key it looks up was never stored). This is what every browser using the library
    // without device tracking sends.
    const { cognitoUser, session, username } = await signedInUser(webStorage());
    const refreshed = await refreshSession(cognitoUser, session.getRefreshToken());
    assert.equal(refreshed.isValid(), true);
    assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
    assert.equal(refreshed.getAccessToken().decodePayload().username, username);
  });
});
