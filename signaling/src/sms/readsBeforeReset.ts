import type net from 'node:net';
import { Duplex } from 'node:stream';

/**
 * A socket that, like an SMSC written in C or Java, processes what it received before a client's
 * TCP reset. Two things in Node would lose those last PDUs: a net.Socket read in paused mode (as
 * the smpp package reads it) drops its buffered bytes when a reset destroys it, and a response
 * written in the timers phase to a reset peer destroys the socket before the poll phase reads
 * what is still in the kernel. So bytes are taken as they arrive (flowing mode) and writes wait
 * for the check phase (setImmediate), after this turn's reads.
 */
export function readsBeforeReset(socket: net.Socket): Duplex {
  let outgoing: Buffer[] = [];
  let ending = false;
  const flush = () => {
    if (outgoing.length > 0 && socket.writable) socket.write(Buffer.concat(outgoing));
    outgoing = [];
    if (ending) socket.end();
  };
  const duplex = new Duplex({
    allowHalfOpen: false,
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (outgoing.length === 0) setImmediate(flush);
      outgoing.push(chunk);
      callback();
    },
    final(callback) {
      ending = true;
      setImmediate(flush);
      callback();
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => duplex.push(chunk));
  socket.on('error', () => undefined); // a reset: what arrived before it is still read
  socket.on('close', () => {
    duplex.push(null);
    // Let the session read what is buffered, then close it.
    setImmediate(() => duplex.destroy());
  });
  return duplex;
}
