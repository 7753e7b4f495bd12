/* The C reference for `npm run bench`: plain blocking sendmsg/recvmsg loops between two processes
 * (fork over a socketpair) doing the same framing and verification work as the addon, through the
 * same codec (native/traffic.h). Prints one JSON object: {"ns": elapsed nanoseconds, ...}.
 *
 *   reference dgram|seqpacket COUNT SIZE    sequence frames, one per message, verified
 *   reference stream BYTES FRAME            sequence frames back to back on a stream, verified
 *   reference fds COUNT                     SCM_RIGHTS transfers of one descriptor each, each one
 *                                           fstat-compared with the file sent, then closed
 *   reference pingpong COUNT                64-byte round trips (no framing: already the plain limit)
 *
 * `plain-dgram`, `plain-seqpacket`, `plain-stream` and `plain-fds` (same arguments) are the physical
 * limit each case is also compared with: the same socketpair moving the same bytes and messages with
 * no framing and no checks (one constant buffer sent, received bytes not looked at, received
 * descriptors closed without fstat). `plain-batch-dgram` and `plain-batch-seqpacket` (Linux) are the
 * same with sendmmsg/recvmmsg, BATCH messages per system call as the engine moves them: the limit
 * of the batched loop, not of one call per message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../native/traffic.h"

/* macOS has neither flag: SIGPIPE cannot happen here (the peer outlives the loop), and the
 * received descriptors are closed at once. */
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif
#ifndef MSG_CMSG_CLOEXEC
#define MSG_CMSG_CLOEXEC 0
#endif

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char* what) {
  perror(what);
  exit(2);
}

static void write_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("send");
    }
    p += r;
    n -= (size_t)r;
  }
}

/* What the engine's receiver does per frame: verify, then account for (sender, seq). */
struct tally {
  uint64_t expected, unique, bad;
};
static void account(struct tally* t, const uint8_t* frame, size_t n) {
  if (uds_verify_frame(frame, n) != UDS_VERIFY_OK) {
    t->bad++;
    return;
  }
  uint64_t seq = uds_load64(frame + 8);
  if (seq == UDS_FRAME_END_SEQ) return;
  if (seq == t->expected) t->expected++;
  t->unique++;
  (void)now_ns(); /* the engine reads the clock per frame for latency */
}

/* The two ends of a case: a socketpair, or, with UDS_BENCH_SERVER and UDS_BENCH_CLIENT set (the
 * forwarding proxy's case in bench/cases.ts), a receiver bound at UDS_BENCH_SERVER and a sender
 * connected to UDS_BENCH_CLIENT (the proxy's path; the same path for the direct comparison). */
static void fill_path(struct sockaddr_un* a, const char* path) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  strncpy(a->sun_path, path, sizeof a->sun_path - 1);
}

static void make_pair(int type, int sv[2]) {
  const char* server = getenv("UDS_BENCH_SERVER");
  const char* client = getenv("UDS_BENCH_CLIENT");
  if (server == NULL || client == NULL) {
    if (socketpair(AF_UNIX, type, 0, sv) < 0) die("socketpair");
    return;
  }
  struct sockaddr_un a;
  int receiver = socket(AF_UNIX, type, 0);
  fill_path(&a, server);
  if (receiver < 0 || bind(receiver, (struct sockaddr*)&a, sizeof a) < 0) die("bind");
  if (type != SOCK_DGRAM && listen(receiver, 1) < 0) die("listen");
  sv[1] = socket(AF_UNIX, type, 0);
  if (sv[1] < 0) die("socket");
  if (type == SOCK_DGRAM) {
    char own[sizeof a.sun_path];
    snprintf(own, sizeof own, "%s.c", server);
    fill_path(&a, own);
    if (bind(sv[1], (struct sockaddr*)&a, sizeof a) < 0) die("bind");
  }
  fill_path(&a, client);
  if (connect(sv[1], (struct sockaddr*)&a, sizeof a) < 0) die("connect");
  if (type == SOCK_DGRAM) {
    sv[0] = receiver;
    return;
  }
  sv[0] = accept(receiver, NULL, NULL);
  if (sv[0] < 0) die("accept");
  close(receiver);
}

static int run_messages(int type, uint64_t count, uint32_t size, int plain) {
  int sv[2];
  make_pair(type, sv);
  uint32_t sender = uds_fnv1a((const uint8_t*)"client", 6);
  uint64_t start = now_ns();
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    uint8_t* frame = calloc(1, size + 64);
    if (plain) {
      for (uint64_t seq = 0; seq < count; seq++)
        while (send(sv[1], frame, size, MSG_NOSIGNAL) < 0)
          if (errno != EINTR) die("send");
      _exit(0);
    }
    for (uint64_t seq = 0; seq < count; seq++) {
      size_t n = uds_encode_data(frame, sender, seq, size, now_ns());
      while (send(sv[1], frame, n, MSG_NOSIGNAL) < 0)
        if (errno != EINTR) die("send");
    }
    size_t n = uds_encode_end(frame, sender, count, (const uint8_t*)"client", 6, now_ns());
    while (send(sv[1], frame, n, MSG_NOSIGNAL) < 0)
      if (errno != EINTR) die("send");
    _exit(0);
  }
  close(sv[1]);
  uint8_t* buffer = malloc(65537);
  struct tally t = {0, 0, 0};
  if (plain) {
    /* The socketpair loses nothing: COUNT messages received is the end. */
    while (t.unique < count) {
      ssize_t r = recv(sv[0], buffer, 65537, 0);
      if (r < 0) {
        if (errno == EINTR) continue;
        die("recv");
      }
      t.unique++;
    }
  }
  while (!plain) {
    struct iovec iov = {buffer, 65537};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ssize_t r = recvmsg(sv[0], &msg, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("recvmsg");
    }
    account(&t, buffer, (size_t)r);
    if (r >= 32 && uds_load64(buffer + 8) == UDS_FRAME_END_SEQ) break;
  }
  uint64_t elapsed = now_ns() - start;
  waitpid(pid, NULL, 0);
  printf("{\"ns\":%llu,\"unique\":%llu,\"bad\":%llu}\n", (unsigned long long)elapsed, (unsigned long long)t.unique, (unsigned long long)t.bad);
  return t.unique == count && t.bad == 0 ? 0 : 1;
}

#ifdef __linux__
#define BATCH 32
/* The plain limit of batched datagram or seqpacket traffic: BATCH messages per sendmmsg and per
 * recvmmsg, nothing framed, nothing checked. */
static int run_messages_batched(int type, uint64_t count, uint32_t size) {
  int sv[2];
  if (socketpair(AF_UNIX, type, 0, sv) < 0) die("socketpair");
  uint64_t start = now_ns();
  pid_t pid = fork();
  struct mmsghdr vec[BATCH];
  struct iovec iov[BATCH];
  if (pid == 0) {
    close(sv[0]);
    uint8_t* frame = calloc(1, size);
    for (uint64_t sent = 0; sent < count;) {
      unsigned want = count - sent < BATCH ? (unsigned)(count - sent) : BATCH;
      memset(vec, 0, sizeof vec);
      for (unsigned i = 0; i < want; i++) {
        iov[i].iov_base = frame;
        iov[i].iov_len = size;
        vec[i].msg_hdr.msg_iov = &iov[i];
        vec[i].msg_hdr.msg_iovlen = 1;
      }
      int r = sendmmsg(sv[1], vec, want, MSG_NOSIGNAL);
      if (r < 0) {
        if (errno == EINTR) continue;
        die("sendmmsg");
      }
      sent += (uint64_t)r;
    }
    _exit(0);
  }
  close(sv[1]);
  uint8_t* arena = malloc((size_t)BATCH * 65537);
  uint64_t got = 0;
  while (got < count) {
    memset(vec, 0, sizeof vec);
    for (unsigned i = 0; i < BATCH; i++) {
      iov[i].iov_base = arena + (size_t)i * 65537;
      iov[i].iov_len = 65537;
      vec[i].msg_hdr.msg_iov = &iov[i];
      vec[i].msg_hdr.msg_iovlen = 1;
    }
    int r = recvmmsg(sv[0], vec, BATCH, 0, NULL);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("recvmmsg");
    }
    got += (uint64_t)r;
  }
  uint64_t elapsed = now_ns() - start;
  waitpid(pid, NULL, 0);
  printf("{\"ns\":%llu,\"unique\":%llu}\n", (unsigned long long)elapsed, (unsigned long long)got);
  return got == count ? 0 : 1;
}
#endif

static int run_stream(uint64_t bytes, uint32_t size, int plain) {
  int sv[2];
  make_pair(SOCK_STREAM, sv);
  uint32_t sender = uds_fnv1a((const uint8_t*)"client", 6);
  uint64_t count = bytes / size;
  uint64_t start = now_ns();
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    size_t cap = 65536 + size + 64, used = 0;
    uint8_t* batch = calloc(1, cap);
    if (plain) {
      /* the same bytes in the same 64 KiB writes, nothing encoded */
      for (uint64_t left = count * size; left > 0;) {
        size_t n = left < 65536 ? (size_t)left : 65536;
        write_all(sv[1], batch, n);
        left -= n;
      }
      _exit(0);
    }
    for (uint64_t seq = 0; seq < count; seq++) {
      used += uds_encode_data(batch + used, sender, seq, size, now_ns());
      if (used >= 65536) {
        write_all(sv[1], batch, used);
        used = 0;
      }
    }
    used += uds_encode_end(batch + used, sender, count, (const uint8_t*)"client", 6, now_ns());
    write_all(sv[1], batch, used);
    _exit(0);
  }
  close(sv[1]);
  size_t cap = 256 * 1024 + size, start_at = 0, end = 0;
  uint8_t* buffer = malloc(cap);
  struct tally t = {0, 0, 0};
  int done = 0;
  while (!done) {
    ssize_t r = recv(sv[0], buffer + end, cap - end, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("recv");
    }
    if (r == 0) break;
    if (plain) {
      t.unique += (uint64_t)r; /* bytes, turned into frames below */
      continue;
    }
    end += (size_t)r;
    while (end - start_at >= 32) {
      size_t n = 32 + uds_load32(buffer + start_at + 16);
      if (end - start_at < n) break;
      account(&t, buffer + start_at, n);
      if (uds_load64(buffer + start_at + 8) == UDS_FRAME_END_SEQ) done = 1;
      start_at += n;
    }
    memmove(buffer, buffer + start_at, end - start_at);
    end -= start_at;
    start_at = 0;
  }
  uint64_t elapsed = now_ns() - start;
  waitpid(pid, NULL, 0);
  if (plain) t.unique /= size;
  printf("{\"ns\":%llu,\"unique\":%llu,\"bad\":%llu}\n", (unsigned long long)elapsed, (unsigned long long)t.unique, (unsigned long long)t.bad);
  return t.unique == count && t.bad == 0 ? 0 : 1;
}

static int run_fds(uint64_t count, int plain) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) die("socketpair");
  uint64_t start = now_ns();
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    int fd = open("/dev/null", O_RDONLY);
    for (uint64_t i = 0; i < count; i++) {
      char byte = 'F';
      struct iovec iov = {&byte, 1};
      char control[CMSG_SPACE(sizeof(int))];
      memset(control, 0, sizeof control);
      struct msghdr msg;
      memset(&msg, 0, sizeof msg);
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      memcpy(CMSG_DATA(c), &fd, sizeof fd);
      while (sendmsg(sv[1], &msg, MSG_NOSIGNAL) < 0)
        if (errno != EINTR) die("sendmsg");
    }
    _exit(0);
  }
  close(sv[1]);
  /* What the engine's receiver does per descriptor: fstat it, compare device and inode with the
   * file expected, close it. */
  struct stat expected;
  if (stat("/dev/null", &expected) < 0) die("stat");
  uint64_t got = 0, mismatched = 0;
  while (got < count) {
    char byte;
    struct iovec iov = {&byte, 1};
    char control[CMSG_SPACE(sizeof(int) * 4)];
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t r = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("recvmsg");
    }
    if (r == 0) break;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < n; i++) {
        int fd;
        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        struct stat st;
        if (!plain && (fstat(fd, &st) < 0 || st.st_dev != expected.st_dev || st.st_ino != expected.st_ino)) mismatched++;
        close(fd);
        got++;
      }
    }
  }
  uint64_t elapsed = now_ns() - start;
  waitpid(pid, NULL, 0);
  printf("{\"ns\":%llu,\"received\":%llu,\"mismatched\":%llu}\n", (unsigned long long)elapsed, (unsigned long long)got, (unsigned long long)mismatched);
  return got == count && mismatched == 0 ? 0 : 1;
}

static int run_pingpong(uint64_t count) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) die("socketpair");
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    uint8_t buffer[64];
    for (;;) {
      size_t have = 0;
      while (have < 64) {
        ssize_t r = recv(sv[1], buffer + have, 64 - have, 0);
        if (r <= 0) _exit(0);
        have += (size_t)r;
      }
      write_all(sv[1], buffer, 64);
    }
  }
  close(sv[1]);
  uint8_t buffer[64];
  memset(buffer, 'p', sizeof buffer);
  uint64_t start = now_ns();
  for (uint64_t i = 0; i < count; i++) {
    write_all(sv[0], buffer, 64);
    size_t have = 0;
    while (have < 64) {
      ssize_t r = recv(sv[0], buffer + have, 64 - have, 0);
      if (r <= 0) die("recv");
      have += (size_t)r;
    }
  }
  uint64_t elapsed = now_ns() - start;
  close(sv[0]);
  waitpid(pid, NULL, 0);
  printf("{\"ns\":%llu}\n", (unsigned long long)elapsed);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s dgram|seqpacket COUNT SIZE | stream BYTES FRAME | fds COUNT | pingpong COUNT (plain-dgram|plain-seqpacket|plain-stream|plain-fds: no framing, no checks; plain-batch-dgram|plain-batch-seqpacket: the same with sendmmsg/recvmmsg, Linux)\n", argv[0]);
    return 2;
  }
  const char* mode = argv[1];
  uint64_t n = strtoull(argv[2], NULL, 10);
  uint32_t size = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 64;
#ifdef __linux__
  if (!strcmp(mode, "plain-batch-dgram")) return run_messages_batched(SOCK_DGRAM, n, size);
  if (!strcmp(mode, "plain-batch-seqpacket")) return run_messages_batched(SOCK_SEQPACKET, n, size);
#endif
  int plain = strncmp(mode, "plain-", 6) == 0;
  if (plain) mode += 6;
  if (!strcmp(mode, "dgram")) return run_messages(SOCK_DGRAM, n, size, plain);
#ifdef SOCK_SEQPACKET
  if (!strcmp(mode, "seqpacket")) return run_messages(SOCK_SEQPACKET, n, size, plain);
#endif
  if (!strcmp(mode, "stream")) return run_stream(n, size, plain);
  if (!strcmp(mode, "fds")) return run_fds(n, plain);
  if (!strcmp(mode, "pingpong")) return run_pingpong(n);
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
