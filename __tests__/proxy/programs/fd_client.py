# Connects, sends "F" with the descriptor of the file named in argv[2], prints its dev/inode as
# JSON, and waits for the answer.
import json, os, socket, sys

client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect(sys.argv[1])
fd = os.open(sys.argv[2], os.O_RDONLY)
st = os.fstat(fd)
socket.send_fds(client, [b"F"], [fd])
answer = client.recv(100).decode()
print(json.dumps({"dev": st.st_dev, "ino": st.st_ino, "answer": answer}), flush=True)
