# A stream client that sends seeded random pieces of 1 byte to 64 KiB, every EVERY-th (0: none)
# with a descriptor of a file of its own (made in FILES_DIR), ends its side, then prints what it
# sent and the server's answer (stream_sink.py) as one JSON line.
# Usage: stream_source.py PATH FILES_DIR PIECES EVERY
import array
import hashlib
import json
import os
import random
import socket
import sys

path, files, pieces, every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
draw = random.Random(7)
conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
conn.connect(path)
digest = hashlib.sha256()
total = 0
sent = []
for i in range(pieces):
    data = draw.randbytes(draw.randint(1, 64 * 1024))
    digest.update(data)
    if every > 0 and i % every == 5:
        name = os.path.join(files, "f%d" % i)
        with open(name, "w") as f:
            f.write("file %d" % i)
        fd = os.open(name, os.O_RDONLY)
        st = os.fstat(fd)
        # A blocking AF_UNIX stream sendmsg writes all of it; the descriptor goes with its first byte.
        conn.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
        os.close(fd)
        sent.append({"start": total, "dev": st.st_dev, "ino": st.st_ino, "text": "file %d" % i})
    else:
        conn.sendall(data)
    total += len(data)
conn.shutdown(socket.SHUT_WR)
answer = b""
while True:
    chunk = conn.recv(1 << 16)
    if not chunk:
        break
    answer += chunk
conn.close()
print(json.dumps({"sent": {"sha256": digest.hexdigest(), "bytes": total, "fds": sent}, "received": json.loads(answer)}), flush=True)
