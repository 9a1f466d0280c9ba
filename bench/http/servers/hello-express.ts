// The framework's ceiling: a bare Express 5 app answering "hello" (no middleware at all).
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.type('text/plain').send('hello');
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`READY ${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}`);
});
