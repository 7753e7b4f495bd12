# Accepts one connection, receives one message with one descriptor (SCM_RIGHTS), prints what the
# descriptor is (dev/inode) and the bytes as JSON, answers "ok", and exits.
import array, json, os, socket, sys

path = sys.argv[1]
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen()
print(json.dumps({"ready": True}), flush=True)
conn, _ = server.accept()
fds = array.array("i")
data, ancdata, flags, _ = conn.recvmsg(100, socket.CMSG_SPACE(4 * fds.itemsize))
for level, kind, payload in ancdata:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
st = os.fstat(fds[0])
content = os.read(fds[0], 100).decode()
print(json.dumps({"data": data.decode(), "fds": len(fds), "dev": st.st_dev, "ino": st.st_ino, "content": content}), flush=True)
conn.sendall(b"ok")
for fd in fds:
    os.close(fd)
conn.close()
server.close()
os.unlink(path)
