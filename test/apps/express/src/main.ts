// Serves the app on 127.0.0.1 and a free port (the test reads it from the first line).
import app from './app';

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on ${typeof address === 'object' && address ? address.port : address}`);
});
