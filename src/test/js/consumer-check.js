#!/usr/bin/env node
// Checks that the files and env keys stagecred renders give working credentials to AWS SDK JS v2
// (Serverless v3) and v3 (Serverless v4): one STS GetCallerIdentity per credential source.
//
//   node consumer-check.js <sts-endpoint> <dir with credentials, config, credential-process.json> <stage>
//
// The env keys (AWS_*, AWS_<STAGE>_*) come from process.env; so do AWS_CONFIG_FILE=<dir>/config and
// AWS_SDK_LOAD_CONFIG=1, which SDK JS v2 needs to read the config file. Prints one JSON line
// {"form": ..., "arn": ...} per passing form on stdout; failures go to stderr and the exit code is 1.
// Never prints a secret key or session token: error messages are scrubbed of every known secret value.
'use strict';

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

const fs = require('fs');
const path = require('path');

const [endpoint, dir, stage] = process.argv.slice(2);
if (!endpoint || !dir || !stage) {
  console.error('usage: node consumer-check.js <sts-endpoint> <rendered-files-dir> <stage>');
  process.exit(2);
}
const REGION = 'us-east-1';
const credentialsFile = path.join(dir, 'credentials');
const configFile = path.join(dir, 'config');
const processJson = path.join(dir, 'credential-process.json');

for (const f of [credentialsFile, configFile, processJson]) {
  if (!fs.existsSync(f)) {
    console.error(`missing rendered file: ${f}`);
    process.exit(2);
  }
}

// Every secret value this script could see, longest first, so a message can be scrubbed of them.
const secrets = (() => {
  const values = new Set();
  for (const [k, v] of Object.entries(process.env)) {
    if (/^AWS_.*(SECRET_ACCESS_KEY|SESSION_TOKEN)$/.test(k) && v) values.add(v);
  }
  try {
    const j = JSON.parse(fs.readFileSync(processJson, 'utf8'));
    if (j.SecretAccessKey) values.add(j.SecretAccessKey);
    if (j.SessionToken) values.add(j.SessionToken);
  } catch (e) {
    // reported by the process forms themselves
  }
  for (const line of fs.readFileSync(credentialsFile, 'utf8').split('\n')) {
    const m = /^\s*aws_(secret_access_key|session_token)\s*=\s*(.+?)\s*$/.exec(line);
    if (m) values.add(m[2]);
  }
  return [...values].sort((a, b) => b.length - a.length);
})();

function scrub(text) {
  let out = String(text);
  for (const s of secrets) out = out.split(s).join('<redacted>');
  return out;
}

const AWS = require('aws-sdk');
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
const { fromIni, fromEnv } = require('@aws-sdk/credential-providers');

async function v2(credentials) {
  const sts = new AWS.STS({ endpoint, region: REGION, credentials, maxRetries: 0 });
  const out = await sts.getCallerIdentity({}).promise();
  return out.Arn;
}

async function v3(credentials) {
  const sts = new STSClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return out.Arn;
  } finally {
    sts.destroy();
  }
}

const v3Files = { filepath: credentialsFile, configFilepath: configFile, ignoreCache: true };

const forms = [
  // Serverless v3: --aws-profile / AWS_PROFILE / provider.profile
  ['v2-shared-ini', () => v2(new AWS.SharedIniFileCredentials({ profile: stage, filename: credentialsFile }))],
  // Serverless v3: per-stage AWS_<STAGE>_* keys (stage upper-cased, nothing else changed)
  ['v2-env-stage', () => v2(new AWS.EnvironmentCredentials('AWS_' + stage.toUpperCase()))],
  ['v2-env', () => v2(new AWS.EnvironmentCredentials('AWS'))],
  // SDK JS v2's `filename` is the *credentials* file; the config file (and with it credential_process)
  // is read only through AWS_CONFIG_FILE when AWS_SDK_LOAD_CONFIG is set.
  ['v2-process', () => v2(new AWS.ProcessCredentials({ profile: stage + '-process', filename: credentialsFile }))],
  ['v3-ini', () => v3(fromIni({ profile: stage, ...v3Files }))],
  ['v3-ini-process', () => v3(fromIni({ profile: stage + '-process', ...v3Files }))],
  ['v3-env', () => v3(fromEnv())],
];

(async () => {
  const failures = [];
  for (const [form, run] of forms) {
    try {
      const arn = await run();
      if (!arn) throw new Error('GetCallerIdentity returned no Arn');
      console.log(JSON.stringify({ form, arn }));
    } catch (e) {
      const code = e && (e.code || e.name) ? `${e.code || e.name}: ` : '';
      failures.push(form);
      console.error(`FAIL ${form}: ${scrub(code + (e && e.message ? e.message : e))}`);
    }
  }
  if (failures.length) {
    console.error(`${failures.length} of ${forms.length} forms failed: ${failures.join(', ')}`);
    process.exit(1);
  }
})().catch((e) => {
  console.error(`consumer-check crashed: ${scrub(e && e.stack ? e.stack : e)}`);
  process.exit(1);
});
