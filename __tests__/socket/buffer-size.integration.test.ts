// SO_SNDBUF / SO_RCVBUF through UnixSocket.bufferSize: what the kernel sets, and what a datagram
// larger than the send buffer meets.
import { SocketError, UnixSocket } from '../../src/socket';

describe('bufferSize', () => {
  it('sets the size and returns what the kernel set (Linux doubles it, macOS keeps it); without bytes it only reads', () => {
    const sock = UnixSocket.create('dgram');
    try {
      const set = sock.bufferSize('sndbuf', 16384);
      expect(set).toBe(process.platform === 'linux' ? 32768 : 16384);
      expect(sock.bufferSize('sndbuf')).toBe(set);
      expect(sock.bufferSize('rcvbuf', 20000)).toBe(process.platform === 'linux' ? 40000 : 20000);
    } finally {
      sock.close();
    }
  });

  it('a datagram larger than the send buffer fails with EMSGSIZE; one that fits goes', async () => {
    const [a, b] = UnixSocket.pair('dgram');
    try {
      a.bufferSize('sndbuf', 4096);
      await expect(a.send(Buffer.alloc(16000))).rejects.toMatchObject({ code: 'EMSGSIZE', syscall: 'sendmsg' });
      await expect(a.send(Buffer.alloc(2000))).resolves.toBe(2000);
      expect((await b.recv()).data.length).toBe(2000);
    } finally {
      a.close();
      b.close();
    }
  });

  it('refuses a negative or fractional size, and a closed socket, with a SocketError carrying the code', () => {
    const sock = UnixSocket.create('stream');
    expect(() => sock.bufferSize('sndbuf', -1)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'setsockopt' }));
    expect(() => sock.bufferSize('rcvbuf', 1.5)).toThrow(SocketError);
    sock.close();
    expect(() => sock.bufferSize('sndbuf', 4096)).toThrow(SocketError);
  });
});
