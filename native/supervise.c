/*
 * uds-fixture-supervise: runs one peer program so that it cannot outlive the harness.
 *
 *   uds-fixture-supervise WATCH_FD -- PROGRAM [ARG...]
 *
 * The harness starts this as the leader of a new process group, holding the other end of the
 * socket or pipe at WATCH_FD. The program runs as a child in the same group. When the harness dies
 * — even by SIGKILL, when it can run no cleanup — the kernel closes its end, WATCH_FD reports
 * hang-up, and this process ends the whole group: SIGTERM, then SIGKILL after a short grace. On
 * Linux the parent-death signal (PR_SET_PDEATHSIG) gives the same notice a second way; macOS has no
 * such call, which is why the watched descriptor is the primary mechanism on both.
 *
 * While the harness lives, this process is transparent: stdio and every other inherited
 * descriptor go to the program unchanged (WATCH_FD excepted), and it exits as the program did —
 * the same code, or the same signal re-raised — so the harness judges the program, not us.
 * SIGTERM is caught and not acted on: the harness's teardown signals the whole group, so the
 * program has its own copy, and this process must outlive it to report how it ended. The other
 * signals a planned stop may send (`stop: { signal }`: SIGINT, SIGHUP, SIGQUIT, SIGUSR1) are
 * caught the same way, for the same reason.
 *
 * PROGRAM is run with execv, never execvp: the harness resolves it in the peer's PATH first, and
 * execvp would hand a file without a #! line to /bin/sh (no shell anywhere).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define GRACE_MS 500

static volatile sig_atomic_t harness_gone = 0;
static int wake_pipe[2] = {-1, -1};

static void on_parent_death(int sig) {
  (void)sig;
  harness_gone = 1;
  int saved = errno;
  (void)!write(wake_pipe[1], "x", 1);
  errno = saved;
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  (void)!write(wake_pipe[1], "c", 1);
  errno = saved;
}

static void on_term(int sig) {
  (void)sig;
}

/* Signals the harness may send the group to stop the program (see src/scenario/peers.ts). SIGTERM
 * is last: installed last and reset first (the child walks the list backwards), so the windows in
 * which a SIGTERM to the group finds a handler that ignores it stay as short as they were. */
static const int STOP_SIGNALS[] = {SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGTERM};
#define STOP_SIGNAL_COUNT (sizeof STOP_SIGNALS / sizeof STOP_SIGNALS[0])

static void set_cloexec_nonblock(int fd) {
  fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Ends the whole process group (the program and anything it started), this process included. */
static void end_group(void) {
  pid_t group = getpgrp();
  signal(SIGTERM, SIG_IGN);
  kill(-group, SIGTERM);
  struct timespec step = {0, 20 * 1000 * 1000};
  for (int waited = 0; waited < GRACE_MS; waited += 20) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    /* kill(-group, 0) succeeds while any member but us remains: probe by signalling nothing. */
    nanosleep(&step, NULL);
  }
  kill(-group, SIGKILL);
  _exit(137);
}

/* Exits the way the program did, so the harness sees its real code or signal. */
static void exit_like(int status) {
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core); /* the program already dumped core if it was going to */
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
  }
  _exit(125);
}

int main(int argc, char **argv) {
  if (argc < 4 || strcmp(argv[2], "--") != 0) {
    fprintf(stderr, "usage: uds-fixture-supervise WATCH_FD -- PROGRAM [ARG...]\n");
    return 125;
  }
  char *end = NULL;
  long watch_fd = strtol(argv[1], &end, 10);
  if (*end != '\0' || watch_fd < 0 || fcntl((int)watch_fd, F_GETFD) == -1) {
    fprintf(stderr, "uds-fixture-supervise: WATCH_FD '%s' is not an open descriptor\n", argv[1]);
    return 125;
  }
  pid_t harness = getppid();

  if (pipe(wake_pipe) == -1) {
    perror("uds-fixture-supervise: pipe");
    return 125;
  }
  set_cloexec_nonblock(wake_pipe[0]);
  set_cloexec_nonblock(wake_pipe[1]);
  set_cloexec_nonblock((int)watch_fd);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_child;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  sa.sa_handler = on_term;
  sa.sa_flags = SA_RESTART;
  for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) sigaction(STOP_SIGNALS[i], &sa, NULL);

#ifdef __linux__
  sa.sa_handler = on_parent_death;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR2, &sa, NULL);
  prctl(PR_SET_PDEATHSIG, SIGUSR2);
  /* the harness may have died between fork and prctl: then nothing would ever signal us */
  if (getppid() != harness) harness_gone = 1;
#else
  (void)on_parent_death;
  (void)harness;
#endif

  /* Report an exec failure through a close-on-exec pipe: an empty read means exec succeeded. */
  int exec_pipe[2];
  if (pipe(exec_pipe) == -1) {
    perror("uds-fixture-supervise: pipe");
    return 125;
  }
  fcntl(exec_pipe[1], F_SETFD, FD_CLOEXEC);

  pid_t child = fork();
  if (child == -1) {
    perror("uds-fixture-supervise: fork");
    return 125;
  }
  if (child == 0) {
    close(exec_pipe[0]);
    signal(SIGCHLD, SIG_DFL);
    for (size_t i = STOP_SIGNAL_COUNT; i-- > 0;) signal(STOP_SIGNALS[i], SIG_DFL);
#ifdef __linux__
    signal(SIGUSR2, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, 0);
#endif
    execv(argv[3], &argv[3]);
    int err = errno;
    (void)!write(exec_pipe[1], &err, sizeof err);
    _exit(127);
  }
  close(exec_pipe[1]);
  int exec_errno = 0;
  ssize_t got;
  do {
    got = read(exec_pipe[0], &exec_errno, sizeof exec_errno);
  } while (got == -1 && errno == EINTR);
  close(exec_pipe[0]);
  if (got == (ssize_t)sizeof exec_errno) {
    fprintf(stderr, "uds-fixture-supervise: cannot run '%s': %s (%s)\n", argv[3], strerror(exec_errno),
            exec_errno == ENOENT    ? "ENOENT"
            : exec_errno == EACCES  ? "EACCES"
            : exec_errno == ENOEXEC ? "ENOEXEC"
                                    : "EXEC_FAILED");
    waitpid(child, NULL, 0);
    return 127;
  }

  struct pollfd fds[2] = {{(int)watch_fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
  for (;;) {
    int status;
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) exit_like(status);
    if (harness_gone) end_group();
    int n = poll(fds, 2, -1);
    if (n == -1 && errno != EINTR) end_group();
    if (n > 0 && fds[0].revents) {
      /* the harness never writes here; readable means EOF or hang-up, i.e. it is gone */
      char buf[64];
      ssize_t r = read((int)watch_fd, buf, sizeof buf);
      if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR) || (fds[0].revents & (POLLHUP | POLLERR))) harness_gone = 1;
    }
    if (n > 0 && fds[1].revents) {
      char buf[64];
      while (read(wake_pipe[0], buf, sizeof buf) > 0) {
      }
    }
  }
}
