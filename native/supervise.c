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
 * SIGTERM is caught, not obeyed: the harness's teardown signals the whole group, so the program
 * has its own copy, and this process must outlive it to report how it ended. The other signals a
 * planned stop may send (`stop: { signal }`: SIGINT, SIGHUP, SIGQUIT, SIGUSR1) are caught the same
 * way, for the same reason.
 *
 * Descendants that leave the group (setsid, setpgid, a double fork) are out of reach of group
 * signals. On Linux this process is a child subreaper (PR_SET_CHILD_SUBREAPER): orphans of the
 * program reparent to it instead of to init, which also lets it reap them at once where the
 * machine's init reaps slowly. It finds escaped descendants in /proc (its descendants whose group
 * is not its own) and ends them — SIGTERM, then SIGKILL — with the rest: when the harness stops
 * the group (its SIGTERM), when the harness dies, and when the program exits by itself, before
 * exiting as the program did. macOS has no subreaper: an escapee there reparents to launchd
 * before anything can see it, and stays a documented limit.
 *
 * PROGRAM is run with execv, never execvp: the harness resolves it in the peer's PATH first, and
 * execvp would hand a file without a #! line to /bin/sh (no shell anywhere).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define GRACE_MS 500
/*
 * Escaped descendants get SIGKILL this long after the harness's stop request: sooner than the
 * harness's own grace, whose SIGKILL to the group would end this process too and leave them to init.
 */
#define STOP_GRACE_MS 250
/* After SIGKILL a process ends at once unless stuck in the kernel; this bounds the wait anyway. */
#define AFTER_KILL_MS 1000

static volatile sig_atomic_t harness_gone = 0;
static volatile sig_atomic_t stop_requested = 0;
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

/*
 * The first stop signal this process received, in memory shared with the program's process until
 * it execs: a stop signal sent to the group before the program's process existed reached only this
 * process, and the program must still get it (see start_program).
 */
static volatile sig_atomic_t *first_stop = NULL;

static void on_term(int sig) {
  if (first_stop != NULL && *first_stop == 0) *first_stop = sig;
  stop_requested = 1;
  int saved = errno;
  (void)!write(wake_pipe[1], "t", 1);
  errno = saved;
}

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * What this process knows of its descendants: how many live ones left its group, how many of its
 * own live children stayed in it, and how many of its children died and wait to be reaped here.
 */
struct kin {
  int escaped;
  int own_in_group;
  int unreaped;
};

#ifdef __linux__
struct proc_row {
  pid_t pid, ppid, pgid;
  int dead; /* a zombie: its end is known, only its parent's wait is missing */
};

/* Every process on the machine, from /proc/<pid>/stat. */
static int read_process_table(struct proc_row **rows) {
  int n = 0, cap = 0;
  *rows = NULL;
  DIR *proc = opendir("/proc");
  if (proc == NULL) return 0;
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    char path[16 + sizeof entry->d_name], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) continue;
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got <= 0) continue;
    buf[got] = '\0';
    /* the command name (field 2) is in parentheses and may hold spaces or parentheses itself */
    char *after = strrchr(buf, ')');
    char state;
    int ppid, pgid;
    if (after == NULL || sscanf(after + 1, " %c %d %d", &state, &ppid, &pgid) != 3) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 512;
      struct proc_row *grown = realloc(*rows, (size_t)cap * sizeof **rows);
      if (grown == NULL) break;
      *rows = grown;
    }
    (*rows)[n].pid = (pid_t)atoi(entry->d_name);
    (*rows)[n].ppid = (pid_t)ppid;
    (*rows)[n].pgid = (pid_t)pgid;
    (*rows)[n].dead = state == 'Z' || state == 'X';
    n++;
  }
  closedir(proc);
  return n;
}

/*
 * Finds this process's live descendants and signals (if sig != 0) each one that left the group:
 * its own group too when it leads one (setsid makes it the leader of a new group and session),
 * and the process itself. SIGTERM goes once to each process (`termed` remembers whom), SIGKILL
 * every time. Descendants of an escapee are escapees too, found in the same walk.
 */
#define MAX_TERMED 1024
static pid_t termed[MAX_TERMED];
static int n_termed = 0;

static int was_termed(pid_t pid) {
  for (int i = 0; i < n_termed; i++)
    if (termed[i] == pid) return 1;
  return 0;
}

/* True when this process has no child at all (then it has no descendant): the common exit, without a /proc scan. */
static int childless(void) {
  char path[64], buf[16];
  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd == -1) return 0; /* a kernel without CONFIG_PROC_CHILDREN: scan */
  ssize_t got = read(fd, buf, sizeof buf);
  close(fd);
  return got == 0;
}

static struct kin visit_descendants(int sig) {
  struct kin found = {0, 0, 0};
  if (childless()) return found;
  struct proc_row *rows;
  int n = read_process_table(&rows);
  pid_t self = getpid(), group = getpgrp();
  /* mark descendants: a row is one when its parent is self or a marked row; repeat until stable */
  char *mark = calloc((size_t)n + 1, 1);
  if (mark == NULL) {
    free(rows);
    return found;
  }
  for (int grew = 1; grew;) {
    grew = 0;
    for (int i = 0; i < n; i++) {
      if (mark[i] || rows[i].pid == self) continue;
      int parent_marked = rows[i].ppid == self;
      for (int j = 0; !parent_marked && j < n; j++) parent_marked = mark[j] && rows[j].pid == rows[i].ppid;
      if (parent_marked) mark[i] = grew = 1;
    }
  }
  for (int i = 0; i < n; i++) {
    if (!mark[i]) continue;
    if (rows[i].dead) {
      /* one that died between the last wait and this walk: the next turn reaps it */
      if (rows[i].ppid == self) found.unreaped++;
      continue;
    }
    if (rows[i].pgid == group) {
      if (rows[i].ppid == self) found.own_in_group++;
      continue;
    }
    found.escaped++;
    if (sig == 0 || (sig == SIGTERM && was_termed(rows[i].pid))) continue;
    if (sig == SIGTERM && n_termed < MAX_TERMED) termed[n_termed++] = rows[i].pid;
    if (rows[i].pgid == rows[i].pid) kill(-rows[i].pgid, sig);
    kill(rows[i].pid, sig);
  }
  free(mark);
  free(rows);
  return found;
}
#else
/* No subreaper on macOS: an escapee reparents to launchd at once, so there is nothing to find. */
static struct kin visit_descendants(int sig) {
  (void)sig;
  struct kin none = {0, 0, 0};
  return none;
}
#endif

static void reap_orphans(void) {
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

/* Signals the harness may send the group to stop the program (see src/scenario/peers.ts). SIGTERM
 * is last: installed last and reset first (the child walks the list backwards), so the windows in
 * which a SIGTERM to the group finds a handler that ignores it stay as short as they were. */
static const int STOP_SIGNALS[] = {SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGTERM};
#define STOP_SIGNAL_COUNT (sizeof STOP_SIGNALS / sizeof STOP_SIGNALS[0])

/* Only on descriptors of ours (the wake pipe, the harness's watch pipe); -1 when fcntl failed. */
static int set_cloexec_nonblock(int fd) {
  int fd_flags = fcntl(fd, F_GETFD), fl_flags = fcntl(fd, F_GETFL);
  if (fd_flags == -1 || fl_flags == -1) return -1;
  if (fcntl(fd, F_SETFD, fd_flags | FD_CLOEXEC) == -1 || fcntl(fd, F_SETFL, fl_flags | O_NONBLOCK) == -1) return -1;
  return 0;
}

/*
 * Ends the whole process group (the program and anything it started) and every descendant that
 * left it, this process last.
 */
static void end_group(void) {
  pid_t group = getpgrp();
  signal(SIGTERM, SIG_IGN);
  kill(-group, SIGTERM);
  struct timespec step = {0, 20 * 1000 * 1000};
  for (int waited = 0; waited < GRACE_MS; waited += 20) {
    reap_orphans();
    /* new escapees appear as the processes between them and us die */
    visit_descendants(SIGTERM);
    nanosleep(&step, NULL);
  }
  for (int waited = 0; waited < AFTER_KILL_MS; waited += 20) {
    reap_orphans();
    if (visit_descendants(SIGKILL).escaped == 0) break;
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
  if (end == argv[1] || *end != '\0' || watch_fd < 0 || watch_fd > INT_MAX || fcntl((int)watch_fd, F_GETFD) == -1) {
    fprintf(stderr, "uds-fixture-supervise: WATCH_FD '%s' is not an open descriptor\n", argv[1]);
    return 125;
  }
  /* It ends its whole group on the harness's death: that group must be its own (the harness
   * starts it with setsid), never its caller's. */
  if (getpgrp() != getpid()) {
    fprintf(stderr, "uds-fixture-supervise: must be started as the leader of its own process group (setsid)\n");
    return 125;
  }
  pid_t harness = getppid();

  if (pipe(wake_pipe) == -1) {
    perror("uds-fixture-supervise: pipe");
    return 125;
  }
  if (set_cloexec_nonblock(wake_pipe[0]) == -1 || set_cloexec_nonblock(wake_pipe[1]) == -1 || set_cloexec_nonblock((int)watch_fd) == -1) {
    perror("uds-fixture-supervise: fcntl");
    return 125;
  }

  /* before the handlers: a stop signal from now on is recorded for the program (see below) */
  first_stop = mmap(NULL, sizeof *first_stop, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
  if (first_stop == MAP_FAILED) first_stop = NULL;
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

#ifdef __linux__
  /* orphans of the program come here, not to init (not inherited by the program: fork clears it) */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif

  /* Report an exec failure through a close-on-exec pipe: an empty read means exec succeeded. */
  int exec_pipe[2];
  if (pipe(exec_pipe) == -1) {
    perror("uds-fixture-supervise: pipe");
    return 125;
  }
  fcntl(exec_pipe[1], F_SETFD, FD_CLOEXEC);

  /*
   * A stop signal (the harness's teardown signals the whole group) must reach the program exactly
   * once, whenever it comes. Before fork only this process exists to receive it; after fork both
   * do. So the stop signals are blocked across fork; the child sets their default action, then
   * waits for this process to take delivery of whatever was pending here and to say go; a signal
   * this process got that the child has not got itself came before the child existed, and the
   * child sends it to itself. Unblocked, a pending one then ends the child as it would the program.
   */
  int go_pipe[2];
  if (pipe(go_pipe) == -1) {
    perror("uds-fixture-supervise: pipe");
    return 125;
  }
  sigset_t stops, unblocked;
  sigemptyset(&stops);
  for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) sigaddset(&stops, STOP_SIGNALS[i]);
  sigprocmask(SIG_BLOCK, &stops, &unblocked);

  pid_t child = fork();
  if (child == -1) {
    perror("uds-fixture-supervise: fork");
    return 125;
  }
  if (child == 0) {
    close(exec_pipe[0]);
    close(go_pipe[1]);
    signal(SIGCHLD, SIG_DFL);
    for (size_t i = STOP_SIGNAL_COUNT; i-- > 0;) signal(STOP_SIGNALS[i], SIG_DFL);
#ifdef __linux__
    signal(SIGUSR2, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, 0);
#endif
    char go;
    while (read(go_pipe[0], &go, 1) == -1 && errno == EINTR) {
    }
    close(go_pipe[0]);
    if (first_stop != NULL && *first_stop != 0) {
      sigset_t pending;
      sigpending(&pending);
      if (!sigismember(&pending, *first_stop)) kill(getpid(), *first_stop);
    }
    sigprocmask(SIG_SETMASK, &unblocked, NULL);
    execv(argv[3], &argv[3]);
    int err = errno;
    (void)!write(exec_pipe[1], &err, sizeof err);
    _exit(127);
  }
  close(exec_pipe[1]);
  close(go_pipe[0]);
  /* stop signals that came before fork are delivered now, and recorded by on_term */
  sigprocmask(SIG_SETMASK, &unblocked, NULL);
  (void)!write(go_pipe[1], "g", 1);
  close(go_pipe[1]);
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

  /*
   * Waits for the program, reaping every orphan that reparents here at once. When the program
   * has ended it exits as the program did, but only once no escaped descendant remains; during a
   * stop (the harness's SIGTERM to the group) it also waits, briefly, for its own children in the
   * group, so that they are reaped here and not by a slow init.
   */
  int program_done = 0, program_status = 0, stopping = 0;
  long kill_at = -1; /* when escapees get SIGKILL; -1 while none is condemned */
  struct pollfd fds[2] = {{(int)watch_fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
  for (;;) {
    int status;
    pid_t done;
    while ((done = waitpid(-1, &status, WNOHANG)) > 0) {
      if (done == child) {
        program_done = 1;
        program_status = status;
      }
    }
    if (harness_gone) end_group();
    long now = now_ms();
    if (stop_requested && !stopping) {
      stopping = 1;
      if (kill_at < 0 || now + STOP_GRACE_MS < kill_at) kill_at = now + STOP_GRACE_MS;
    }
    struct kin kin = {0, 0, 0};
    if (stopping || program_done) {
      int killing = kill_at >= 0 && now >= kill_at;
      kin = visit_descendants(killing ? SIGKILL : SIGTERM);
      if (kin.escaped > 0 && kill_at < 0) kill_at = now + GRACE_MS;
    }
    if (program_done) {
      int group_settled = !stopping || kin.own_in_group == 0 || (kill_at >= 0 && now >= kill_at);
      int given_up = kill_at >= 0 && now >= kill_at + AFTER_KILL_MS;
      if ((kin.escaped == 0 && kin.unreaped == 0 && group_settled) || given_up) exit_like(program_status);
    }
    /*
     * Once the program has ended, descendants are awaited here: look again often (not every
     * reparenting sends a signal). While it runs during a stop, look when escapees are due their
     * SIGKILL, then now and then for new ones until the harness's own SIGKILL.
     */
    int timeout = -1;
    if (program_done) timeout = kill_at > now && kill_at - now < 20 ? (int)(kill_at - now) : 20;
    else if (stopping) timeout = kill_at > now ? (int)(kill_at - now) : 100;
    int n = poll(fds, 2, timeout);
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
