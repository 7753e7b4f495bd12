# Accepts one connection on PATH and answers each line with how many recv() calls it took ("6\n"
# for a line that came one byte per read), until end of file; prints "listening" once PATH accepts
# connections, and removes PATH on the way out.
import os, socket, sys

path = sys.argv[1]
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
print("listening", flush=True)
conn, _ = server.accept()
buffer, calls = b"", 0
while True:
    data = conn.recv(1024)
    if not data:
        break
    buffer, calls = buffer + data, calls + 1
    while b"\n" in buffer:
        _, buffer = buffer.split(b"\n", 1)
        conn.sendall(f"{calls}\n".encode())
        calls = 1 if buffer else 0
conn.close()
server.close()
os.unlink(path)
