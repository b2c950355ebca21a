// Starting a server on a port a human chose, moving up when it is taken, so `npm start` works on a busy machine.

/** The hostnames every demo server answers on; 127.0.0.1 only, nothing leaves the machine. */
export const HOST = '127.0.0.1';

/**
 * Listens on `port` (0 = any free port); when it is taken, tries the next `tries - 1` ports, then any free one.
 * Resolves with the port actually bound.
 */
export const listen = async (server, port, tries = 10) => {
  for (let i = 0; i < (port ? tries : 1); i++) {
    const bound = await new Promise((resolve, reject) => {
      const onError = (error) => {
        server.off('listening', onListening);
        if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(undefined);
        else reject(error);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve(server.address().port);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port ? port + i : 0, HOST);
    });
    if (bound !== undefined) return bound;
  }
  if (!port) throw new Error('no free port on 127.0.0.1');
  return listen(server, 0);
};

/** Closes a server and every connection it holds (keep-alive sockets would otherwise keep the process up). */
export const close = (server) =>
  new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });

/** The whole body of a request, as a string (UTF-8), as the bytes arrived. */
export const readBody = async (req) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

/** Sends a JSON answer. */
export const sendJson = (res, status, value) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(value, null, 2)}\n`);
};
