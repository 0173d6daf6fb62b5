#!/usr/bin/env node
// Checks that a long-running deploy process keeps working through the sidecar's loopback endpoint
// with AWS SDK JS v2 (Serverless v3) and v3 (Serverless v4), each using its DEFAULT credential chain
// (no profile, no key variables: only AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE), with one client each, built once, for several
// credential lifetimes.
//
//   node endpoint-check.js <sts-endpoint> <seconds>
//
// Prints one line per call: "<sdk> OK <access key id> <arn>" or "<sdk> FAIL <error name>". The access
// key id is not a secret; nothing else of the credentials is printed. Exit code 0 when no call
// failed, 1 otherwise.
'use strict';

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

const [endpoint, seconds] = process.argv.slice(2);
if (!endpoint || !seconds) {
  console.error('usage: node endpoint-check.js <sts-endpoint> <seconds>');
  process.exit(2);
}
for (const name of ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE']) {
  if (!process.env[name]) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
}

const AWS = require('aws-sdk');
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');

const REGION = 'us-east-1';
// No credentials given: each SDK walks its default chain to the container endpoint, as Serverless
// v3 does when neither a profile nor key variables are set.
const v2 = new AWS.STS({ endpoint, region: REGION, maxRetries: 0 });
const v3 = new STSClient({ endpoint, region: REGION, maxAttempts: 1 });

// The access key id a request was signed with, read from its SigV4 Authorization header. Asking
// the client for its credentials after the call could name a newer set than the one used.
function signingKey(authorization) {
  const match = /Credential=([^/]+)\//.exec(authorization || '');
  return match ? match[1] : 'unsigned';
}

async function callV2() {
  const request = v2.getCallerIdentity({});
  const out = await request.promise();
  return [signingKey(request.httpRequest.headers.Authorization), out.Arn];
}

// v3's deserialize step sees the request as signed and sent; calls run one at a time.
let lastV3Authorization;
v3.middlewareStack.add(
  (next) => async (args) => {
    lastV3Authorization = args.request.headers.authorization;
    return next(args);
  },
  { step: 'deserialize', name: 'recordSigningKey' },
);

async function callV3() {
  lastV3Authorization = undefined;
  const out = await v3.send(new GetCallerIdentityCommand({}));
  return [signingKey(lastV3Authorization), out.Arn];
}

async function main() {
  const until = Date.now() + Number(seconds) * 1000;
  let failed = false;
  while (Date.now() < until) {
    for (const [sdk, call] of [['v2', callV2], ['v3', callV3]]) {
      try {
        const [keyId, arn] = await call();
        console.log(`${sdk} OK ${keyId} ${arn}`);
      } catch (e) {
        failed = true;
        // Only the error's name: a message could quote anything.
        console.log(`${sdk} FAIL ${e.name || e.code || 'Error'}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  v3.destroy();
  process.exit(failed ? 1 : 0);
}

main();
