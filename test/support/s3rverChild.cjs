// Runs s3rver (the arguments after this file are s3rver's) and exits as soon as the parent process closes
// stdin, so a test run that dies, even by SIGKILL, never leaves a server behind; it then removes
// LAMBDA_IOT_S3RVER_SCRATCH (the server's temporary data directory) if that is set. Start it with
// `node --openssl-legacy-provider`: s3rver's continuation tokens use DES, which OpenSSL 3 only has there.
const fs = require('node:fs');

const stop = () => {
  const scratch = process.env.LAMBDA_IOT_S3RVER_SCRATCH;
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.on('SIGTERM', stop);
process.stdin.resume();
require('s3rver/bin/s3rver.js');
