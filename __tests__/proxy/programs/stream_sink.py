# A stream server that reads everything a client sends (descriptors too), then answers with what it
# received: the bytes' sha256 and count, and for each descriptor the read it came with and the file
# it is (dev, inode, first bytes). Usage: stream_sink.py PATH
import array
import hashlib
import json
import os
import socket
import sys

listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sys.argv[1])
listener.listen(1)
print("ready", flush=True)
conn, _ = listener.accept()
digest = hashlib.sha256()
total = 0
arrivals = []
truncated = False
while True:
    data, ancillary, flags, _ = conn.recvmsg(1 << 16, socket.CMSG_SPACE(64 * 4))
    truncated = truncated or bool(flags & socket.MSG_CTRUNC)
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
            for fd in fds:
                st = os.fstat(fd)
                arrivals.append({"start": total, "end": total + len(data), "dev": st.st_dev, "ino": st.st_ino, "text": os.pread(fd, 64, 0).decode()})
                os.close(fd)
    if not data and not ancillary:
        break
    digest.update(data)
    total += len(data)
conn.sendall(json.dumps({"sha256": digest.hexdigest(), "bytes": total, "fds": arrivals, "truncated": truncated}).encode())
conn.close()
listener.close()
