import { checkSunPath, sunPathLimit } from '../../src/plan/sun-path';
import { SocketPathTooLongError } from '../../src/plan/errors';

describe('checkSunPath', () => {
  it('knows the limits: 107 bytes on Linux, 103 on macOS', () => {
    expect(sunPathLimit('linux')).toBe(107);
    expect(sunPathLimit('darwin')).toBe(103);
  });

  it('accepts a path of exactly the limit', () => {
    const path = '/' + 'a'.repeat(106);
    expect(checkSunPath(path, 'socket path', 'linux')).toBe(path);
  });

  it('refuses one byte more, naming the path, its byte length and the limit', () => {
    const path = '/' + 'a'.repeat(107);
    let err: SocketPathTooLongError | undefined;
    try {
      checkSunPath(path, 'socket path', 'linux');
    } catch (e) {
      err = e as SocketPathTooLongError;
    }
    expect(err).toBeInstanceOf(SocketPathTooLongError);
    expect(err!.code).toBe('ERR_SOCKET_PATH_TOO_LONG');
    expect(err!.value).toBe(path);
    expect(err!.byteLength).toBe(108);
    expect(err!.limit).toBe(107);
    expect(err!.message).toBe(
      `socket path ${path} is 108 bytes, longer than the 107 bytes sun_path holds on ${process.platform}; ` +
        'use a shorter temp base (option `tmpBase` or env UDS_FIXTURE_TMPDIR) or a shorter name',
    );
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 52 characters, 103 bytes: fits on Linux, one byte too many on macOS
    const path = '/' + 'é'.repeat(51);
    expect(Buffer.byteLength(path)).toBe(103);
    expect(checkSunPath(path, 'socket path', 'linux')).toBe(path);
    expect(() => checkSunPath(path + 'x', 'socket path', 'darwin')).toThrow(/is 104 bytes, longer than the 103 bytes/);
  });
});
