// A third-party verifier for wisp's signatures: sigstore-js (@sigstore/verify, offline, with an
// empty trusted root and no log or timestamp thresholds) checks one cosign .sig layer (wrapped
// as a messageSignature bundle) or one .att DSSE envelope (wrapped as a dsseEnvelope bundle).
//   node sigstore_verify.js message KEY.pub PAYLOAD_FILE SIGNATURE_BASE64
//   node sigstore_verify.js dsse KEY.pub ENVELOPE.json
// Exit 0 when it verifies, 1 (with the verifier's message) when it does not.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const modules = process.env.WISP_NODE_MODULES || path.join(__dirname, '../../.tools/node_modules');
const { bundleFromJSON } = require(path.join(modules, '@sigstore/bundle'));
const { Verifier, toSignedEntity, toTrustMaterial } = require(path.join(modules, '@sigstore/verify'));

const [mode, keyFile, ...rest] = process.argv.slice(2);
const key = crypto.createPublicKey(fs.readFileSync(keyFile));
const hint = crypto.createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64');

let bundle;
let artifact;
const verificationMaterial = { publicKey: { hint }, tlogEntries: [] };
if (mode === 'message') {
  artifact = fs.readFileSync(rest[0]);
  bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial,
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: crypto.createHash('sha256').update(artifact).digest('base64') },
      signature: rest[1],
    },
  };
} else if (mode === 'dsse') {
  const envelope = JSON.parse(fs.readFileSync(rest[0], 'utf8'));
  bundle = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial, dsseEnvelope: envelope };
} else {
  console.error('usage: sigstore_verify.js message|dsse KEY.pub ...');
  process.exit(2);
}

try {
  const entity = toSignedEntity(bundleFromJSON(bundle), artifact);
  const root = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  const trust = toTrustMaterial(root, () => ({ publicKey: key, validFor: () => true }));
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
  console.log('sigstore-js: verified');
} catch (e) {
  console.error(`sigstore-js: ${e.message}`);
  process.exit(1);
}
