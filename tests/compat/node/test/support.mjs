// Shared helpers for the Node.js compatibility tests: the AWS SDK v3 client used for admin
// set-up, pool/client/user factories, the development messages API, promise wrappers around
// amazon-cognito-identity-js' callback API, and JWT decoding.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";

import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";

export const REGION = "us-east-1";
/** Satisfies the default password policy (8+ chars, upper, lower, digit, symbol). */
export const PASSWORD = "Corr3ct-horse!";
export const TEMPORARY_PASSWORD = "Temp0rary!pw";
export const UNKNOWN_POOL_ID = "us-east-1_NoSuchPool";
export const POOL_ID = /^us-east-1_[0-9A-Za-z]{9}$/;
export const CLIENT_ID = /^[0-9a-v]{26}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const EXPLICIT_AUTH_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"];

/** An AWS SDK v3 cognito-idp client on the server, with retries off so errors are seen as they are. */
export function sdkClient(url) {
  return new CognitoIdentityProviderClient({
    region: REGION,
    endpoint: url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
}

export function uniqueName(prefix) {
  return `${prefix}-${randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

export function uniqueEmail(prefix = "user") {
  return `${uniqueName(prefix)}@example.com`;
}

/** A pool that auto-verifies email, and an app client allowing SRP, password and refresh auth. */
export async function createPoolAndClient(idp, poolOverrides = {}) {
  const { UserPool } = await idp.send(
    new CreateUserPoolCommand({
      PoolName: uniqueName("node-pool"),
      AutoVerifiedAttributes: ["email"],
      ...poolOverrides,
    }),
  );
  const { UserPoolClient } = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: UserPool.Id,
      ClientName: uniqueName("node-client"),
      ExplicitAuthFlows: EXPLICIT_AUTH_FLOWS,
    }),
  );
  return { poolId: UserPool.Id, clientId: UserPoolClient.ClientId, pool: UserPool, client: UserPoolClient };
}

/** A confirmed user with a permanent password and a verified email, created through the admin API. */
export async function createConfirmedUser(idp, poolId, { username = uniqueName("user"), email = uniqueEmail() } = {}) {
  await idp.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: email },
        { Name: "email_verified", Value: "true" },
      ],
    }),
  );
  await idp.send(
    new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }),
  );
  return { username, email };
}

/** Signs in with USER_PASSWORD_AUTH through the SDK and returns the AuthenticationResult. */
export async function passwordSignIn(idp, clientId, username, password = PASSWORD) {
  const out = await idp.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  assert.equal(out.ChallengeName, undefined, `unexpected challenge ${out.ChallengeName}`);
  assert.ok(out.AuthenticationResult, "no AuthenticationResult");
  return out.AuthenticationResult;
}

/** Asserts that `promise` rejects with an error of this name (code) and exact message. */
export async function assertServiceError(promise, name, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    assert.equal(err.message, message);
    return true;
  });
}

// -- development messages API ------------------------------------------------------------------

/** Messages cognate "sent" to this destination, newest first. */
export async function messagesTo(url, destination) {
  const res = await fetch(`${url}/_cognate/messages?destination=${encodeURIComponent(destination)}`);
  assert.equal(res.status, 200, `GET /_cognate/messages answered ${res.status}`);
  const body = await res.json();
  assert.ok(Array.isArray(body.messages), JSON.stringify(body));
  return body.messages;
}

/** The six-digit code of the newest message to this destination. */
export async function latestCode(url, destination) {
  const messages = await messagesTo(url, destination);
  assert.ok(messages.length > 0, `no message was sent to ${destination}`);
  const m = /Your verification code is (\d{6})\. /.exec(messages[0].body);
  assert.ok(m, `no code in ${JSON.stringify(messages[0].body)}`);
  return m[1];
}

/** A six-digit code guaranteed to differ from `code`. */
export function wrongCode(code) {
  return code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
}

// -- amazon-cognito-identity-js, promisified ---------------------------------------------------

export function signUp(userPool, username, password, attributes) {
  return new Promise((resolve, reject) => {
    userPool.signUp(username, password, attributes, null, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export function confirmRegistration(cognitoUser, code) {
  return new Promise((resolve, reject) => {
    cognitoUser.confirmRegistration(code, true, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * `authenticateUser` (SRP by default). Resolves `{ session }` on success or
 * `{ newPasswordRequired: { userAttributes, requiredAttributes } }` for that challenge; rejects on
 * failure or on any other challenge.
 */
export function authenticate(cognitoUser, username, password) {
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve, reject) => {
    cognitoUser.authenticateUser(details, {
      ...unexpectedChallenges(reject),
      onSuccess: (session) => resolve({ session }),
      onFailure: reject,
      newPasswordRequired: (userAttributes, requiredAttributes) =>
        resolve({ newPasswordRequired: { userAttributes, requiredAttributes } }),
    });
  });
}

export function completeNewPasswordChallenge(cognitoUser, newPassword, attributes) {
  return new Promise((resolve, reject) => {
    cognitoUser.completeNewPasswordChallenge(newPassword, attributes, {
      ...unexpectedChallenges(reject),
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error("NEW_PASSWORD_REQUIRED was asked again")),
    });
  });
}

export function getUserAttributes(cognitoUser) {
  return new Promise((resolve, reject) => {
    cognitoUser.getUserAttributes((err, attributes) => (err ? reject(err) : resolve(attributes)));
  });
}

export function globalSignOut(cognitoUser) {
  return new Promise((resolve, reject) => {
    cognitoUser.globalSignOut({ onSuccess: resolve, onFailure: reject });
  });
}

export function refreshSession(cognitoUser, refreshToken) {
  return new Promise((resolve, reject) => {
    cognitoUser.refreshSession(refreshToken, (err, session) => (err ? reject(err) : resolve(session)));
  });
}

function unexpectedChallenges(reject) {
  const fail = (name) => () => reject(new Error(`unexpected ${name} callback`));
  return {
    mfaRequired: fail("mfaRequired"),
    totpRequired: fail("totpRequired"),
    selectMFAType: fail("selectMFAType"),
    mfaSetup: fail("mfaSetup"),
    customChallenge: fail("customChallenge"),
  };
}

/**
 * The library's CognitoUserPool pointed at cognate. Without `Storage` the library picks its own
 * (in Node: one process-wide in-memory map, keyed by client id and username; every test uses its
 * own app client, so tests cannot see each other's tokens).
 */
export function identityPool(url, poolId, clientId, Storage = undefined) {
  return new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: url, ...(Storage && { Storage }) });
}

/**
 * An in-memory storage with the Web Storage API's semantics, as `window.localStorage` in a browser:
 * `getItem` answers `null` (not `undefined`) for a missing key.
 */
export function webStorage() {
  const items = new Map();
  return {
    setItem: (key, value) => void items.set(key, String(value)),
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
  };
}

export function newCognitoUser(userPool, username) {
  return new CognitoUser({ Username: username, Pool: userPool, Storage: userPool.storage });
}

// -- JWTs --------------------------------------------------------------------------------------

/** The decoded, unverified payload of a JWT. */
export function jwtPayload(token) {
  const parts = token.split(".");
  assert.equal(parts.length, 3, `not a JWT: ${token}`);
  return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
}

export function jwtHeader(token) {
  return JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8"));
}
