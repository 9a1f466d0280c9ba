// Run by test/helpers/s3-server.ts as a child process, under --openssl-legacy-provider: s3rver
// seals its ListObjectsV2 continuation tokens with DES, which Node 17 and later offer only from
// OpenSSL's legacy provider, so a list of more than one page fails inside the test process.
// Prints {"port": n} once listening; stops when its standard input closes (the test ended or died).
import process from 'node:process';
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket, configs: [] }],
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.once('end', () => {
  server.close().finally(() => process.exit(0));
});
