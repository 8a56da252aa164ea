#!/usr/bin/env bash
# The Node.js client-compatibility suite: the AWS SDK for JavaScript v3,
# amazon-cognito-identity-js and aws-jwt-verify against the real cognate binary
# (COGNATE_BIN, default <repo>/target/debug/cognate). Needs node >= 20 and npm.
# Exits non-zero if any test fails or if the binary is missing.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
# The pinned SDK warns once per test file that its releases after January 2027 need node >= 22.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
node --test --test-reporter=spec test/*.test.mjs
