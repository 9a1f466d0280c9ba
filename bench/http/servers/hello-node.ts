// The floor of the comparison: Node's own HTTP server answering "hello", nothing else.
import { createServer } from 'node:http';

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '5' });
  res.end('hello');
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`READY ${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}`);
});
