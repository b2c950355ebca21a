// Network checks the tests share.
import { connect } from 'node:net';

/** Whether anything accepts connections on 127.0.0.1:port (to check that what a test stopped really stopped). */
export const isListening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
