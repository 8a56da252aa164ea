// aws-jwt-verify against cognate's tokens and JWKS.
//
// CognitoJwtVerifier derives the issuer from the pool id (https://cognito-idp.{region}.amazonaws.com/
// {poolId}); cognate's issuer is {server url}/{poolId}. So the generic JwtVerifier (formerly
// JwtRsaVerifier, still exported under that name) is configured with cognate's issuer and JWKS
// URI, and the library's own Cognito claim checks (`validateCognitoJwtFields`: token_use,
// client_id / aud) run as its custom JWT check — the same checks CognitoJwtVerifier makes.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { JwtVerifier } from "aws-jwt-verify";
import { SimpleFetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import {
  CognitoJwtInvalidTokenUseError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureError,
} from "aws-jwt-verify/error";

import { useServer } from "./server.mjs";
import {
  createConfirmedUser,
  createPoolAndClient,
  jwtHeader,
  passwordSignIn,
  sdkClient,
} from "./support.mjs";

// With an HTTPS listener: aws-jwt-verify's own fetcher refuses plain-http JWKS URIs.
const server = useServer({ tls: true });

/** A verifier for this pool's tokens of one use ("access" or "id"), fetching the JWKS itself over HTTPS. */
async function verifierFor(poolId, clientId, tokenUse) {
  const issuer = `${server.url}/${poolId}`;
  const jwksUri = `${server.httpsUrl}/${poolId}/.well-known/jwks.json`;
  // The server's self-signed development certificate is trusted for this fetcher only.
  const jwksCache = new SimpleJwksCache({
    fetcher: new SimpleFetcher({ defaultRequestOptions: { ca: server.caPem } }),
  });
  const verifier = JwtVerifier.create(
    {
      issuer,
      jwksUri,
      // Access tokens carry no `aud` (their client is `client_id`); ID tokens have aud = client id.
      audience: tokenUse === "id" ? clientId : null,
      customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse, clientId }),
    },
    { jwksCache },
  );
  await verifier.hydrate();
  return verifier;
}

async function fetchJwks(jwksUri) {
  const res = await fetch(jwksUri);
  assert.equal(res.status, 200, `GET ${jwksUri} answered ${res.status}`);
  return res.json();
}

/** The token with one character of its payload's JSON changed, re-encoded: still a parseable JWT. */
function tamper(token) {
  const [header, payload, signature] = token.split(".");
  const json = Buffer.from(payload, "base64url").toString("utf8");
  const claim = '"username":"';
  assert.ok(json.includes(claim), `no username claim in ${json}`);
  const at = json.indexOf(claim) + claim.length;
  const changed = json.slice(0, at) + (json[at] === "x" ? "y" : "x") + json.slice(at + 1);
  assert.equal(changed.length, json.length);
  JSON.parse(changed);
  return [header, Buffer.from(changed, "utf8").toString("base64url"), signature].join(".");
}

describe("aws-jwt-verify", () => {
  let ctx;

  before(async () => {
    const idp = sdkClient(server.url);
    const { poolId, clientId } = await createPoolAndClient(idp);
    const { username, email } = await createConfirmedUser(idp, poolId);
    const tokens = await passwordSignIn(idp, clientId, username);
    ctx = {
      poolId,
      clientId,
      username,
      email,
      tokens,
      accessVerifier: await verifierFor(poolId, clientId, "access"),
      idVerifier: await verifierFor(poolId, clientId, "id"),
    };
  });

  test("serves a JWKS holding the RS256 key the tokens are signed with", async () => {
    const jwks = await fetchJwks(`${server.url}/${ctx.poolId}/.well-known/jwks.json`);
    const header = jwtHeader(ctx.tokens.AccessToken);
    assert.equal(header.alg, "RS256");
    const key = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(key, `kid ${header.kid} not in ${JSON.stringify(jwks)}`);
    assert.equal(key.kty, "RSA");
    assert.equal(key.alg, "RS256");
    assert.equal(key.use, "sig");
    assert.equal(jwtHeader(ctx.tokens.IdToken).kid, header.kid);
  });

  test("verifies the access token", async () => {
    const payload = await ctx.accessVerifier.verify(ctx.tokens.AccessToken);
    assert.equal(payload.token_use, "access");
    assert.equal(payload.scope, "aws.cognito.signin.user.admin");
    assert.equal(payload.client_id, ctx.clientId);
    assert.equal(payload.username, ctx.username);
    assert.equal(payload.iss, `${server.url}/${ctx.poolId}`);
    assert.equal(payload.aud, undefined);
  });

  test("verifies the ID token with the client id as audience", async () => {
    const payload = await ctx.idVerifier.verify(ctx.tokens.IdToken);
    assert.equal(payload.token_use, "id");
    assert.equal(payload.aud, ctx.clientId);
    assert.equal(payload["cognito:username"], ctx.username);
    assert.equal(payload.email, ctx.email);
    assert.equal(payload.email_verified, true);
    assert.equal(payload.iss, `${server.url}/${ctx.poolId}`);
  });

  test("rejects an access token whose payload was tampered with", async () => {
    await assert.rejects(ctx.accessVerifier.verify(tamper(ctx.tokens.AccessToken)), JwtInvalidSignatureError);
  });

  test("rejects an ID token given to the access token verifier", async () => {
    await assert.rejects(ctx.accessVerifier.verify(ctx.tokens.IdToken), CognitoJwtInvalidTokenUseError);
  });

  test("rejects an access token given to the ID token verifier", async () => {
    // No `aud` in an access token: the audience check fails first.
    await assert.rejects(ctx.idVerifier.verify(ctx.tokens.AccessToken), JwtInvalidClaimError);
  });

  test("rejects a token of another pool, which is signed with another key and names another issuer", async () => {
    const idp = sdkClient(server.url);
    const other = await createPoolAndClient(idp);
    const { username } = await createConfirmedUser(idp, other.poolId);
    const tokens = await passwordSignIn(idp, other.clientId, username);

    const mine = await fetchJwks(`${server.url}/${ctx.poolId}/.well-known/jwks.json`);
    const theirs = await fetchJwks(`${server.url}/${other.poolId}/.well-known/jwks.json`);
    const kid = jwtHeader(tokens.AccessToken).kid;
    assert.equal(mine.keys.some((k) => k.kid === kid), false, "the other pool's key is in this pool's JWKS");
    assert.equal(theirs.keys.some((k) => k.kid === kid), true);

    // Even a verifier that knows both keys refuses it: the issuer is the other pool's.
    const verifier = await verifierFor(ctx.poolId, ctx.clientId, "access");
    verifier.cacheJwks({ keys: [...mine.keys, ...theirs.keys] });
    await assert.rejects(verifier.verify(tokens.AccessToken), JwtInvalidIssuerError);
  });
});
