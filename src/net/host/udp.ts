// IKE's UDP endpoints on a Linux host (500, and 4500 for NAT-T: IKE behind the non-ESP marker
// and ESP in UDP, RFC 3948), on node:dgram.

import { createSocket, type Socket } from 'node:dgram';
import type { UdpDatagram, UdpEndpoint } from '../types.js';

/**
 * A concentrator's peers come back together after a reboot: the default receive buffer
 * (net.core.rmem_default, 208 kB, a few hundred datagrams) overflows while the event loop runs
 * a burst, and every datagram the kernel drops there costs its peer a retransmission timeout.
 * 4 MB, or as much as net.core.rmem_max allows (Linux caps SO_RCVBUF there).
 */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

function widenBuffers(socket: Socket): void {
  try {
    socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
    socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
  } catch {
    // A socket that cannot take it keeps the defaults.
  }
}

export class HostUdpEndpoint implements UdpEndpoint {
  private readonly handlers: ((datagram: UdpDatagram) => void)[] = [];
  private closed = false;
  /** Datagrams the kernel refused to send (e.g. no route, buffer full). */
  sendErrors = 0;

  private constructor(
    private readonly socket: Socket,
    readonly localAddress: string,
    readonly localPort: number,
  ) {
    socket.on('message', (data, remote) => {
      const datagram: UdpDatagram = {
        srcAddress: remote.address,
        srcPort: remote.port,
        dstAddress: localAddress,
        dstPort: localPort,
        data,
      };
      for (const handler of this.handlers) handler(datagram);
    });
    // A send error (ICMP port unreachable reported on a later call, ENOBUFS) must not end the daemon.
    socket.on('error', () => {
      this.sendErrors++;
    });
  }

  /** Binds `address:port`; rejects with the bind error (EADDRINUSE, EADDRNOTAVAIL, EACCES). */
  static bind(address: string, port: number): Promise<HostUdpEndpoint> {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.close();
        reject(new Error(`cannot bind UDP ${address}:${port}: ${error.message}`));
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        widenBuffers(socket);
        const bound = socket.address();
        resolve(new HostUdpEndpoint(socket, bound.address, bound.port));
      });
    });
  }

  send(dstAddress: string, dstPort: number, data: Uint8Array): void {
    if (this.closed) return;
    this.socket.send(data, dstPort, dstAddress, (error) => {
      if (error) this.sendErrors++;
    });
  }

  onReceive(handler: (datagram: UdpDatagram) => void): void {
    this.handlers.push(handler);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}
