/*
 * hero_shim: the per-job holder that lets a service outlive hero_proc (the conmon /
 * containerd-shim idea, a few hundred KB). It starts the job's process in a new session, after
 * writing that process into the job's cgroups (so nothing it forks escapes), relays its stdout
 * and stderr from pipes (or a pseudo-terminal) into files, then waits for it and writes its
 * exit status to a file. hero_proc reads the files from the offset it last committed, so a
 * daemon that crashes or is upgraded in between loses and duplicates nothing, and learns the
 * exit status of a process that ended while it was away.
 *
 * Backpressure: hero_proc writes how far it has read each file to FILE.read. When more than
 * BACKLOG bytes of a file are unread (no daemon, or one far behind), the shim stops reading
 * that pipe, so the process blocks on its output as it would on a pipe to a slow reader,
 * instead of filling the disk.
 *
 * usage: hero_shim EXIT_FILE OUT_FILE ERR_FILE TTY TAG N CGROUP_PROCS_1..N CMD [ARG...]
 *   (BACKLOG: HERO_SHIM_BACKLOG in the environment, bytes, default 64 MiB)
 *   TTY 1 runs CMD on a pseudo-terminal (120x40); its output goes to OUT_FILE.
 *   TAG (NAME=VALUE, or -) is put in CMD's environment only: the shim itself carries no job tag,
 *   so a scan for the job's processes never finds the shim.
 *   The child's pid is written to stdout as one line, then stdout is closed.
 *   EXIT_FILE gets "exit CODE" or "signal NUMBER" (written to EXIT_FILE.tmp, then renamed).
 *
 * usage: hero_shim --punch FILE LENGTH
 *   Frees the disk blocks of FILE's first LENGTH bytes (already committed by hero_proc) while
 *   the process keeps appending: offsets stay valid, the disk use stays small.
 *
 * usage: hero_shim --spawner
 *   A small, long-lived helper of hero_proc that starts shims on request, so that starting a
 *   job forks this process (a few hundred KB) instead of hero_proc's large one (fork copies the
 *   page tables of the whole process: ~3 ms for 55 MB resident, ~34 ms for 350 MB, measured).
 *   Requests on stdin: a 4-byte little-endian length, then NUL-terminated strings: an id, the
 *   working directory, the count of arguments, the count of environment entries, the shim's
 *   arguments (as above, from EXIT_FILE on) and the environment. Each shim is a fresh exec of
 *   this binary (`hero_shim --reply ID EXIT_FILE ...`: a small image, named as a shim in ps).
 *   Replies on stdout, one line each (atomic writes): "ID s SHIM_PID" once forked, "ID p PID"
 *   from the shim once the job's process is forked, "ID e ERRNO" when the shim cannot be
 *   forked, enter the working directory or be executed, and "x SHIM_PID" when a shim has ended
 *   (this process reaps its shims). It exits at the end of stdin (hero_proc is gone); the
 *   shims it started keep running.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const int HANDLED[] = {SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGUSR1, SIGUSR2};
#define NHANDLED (sizeof HANDLED / sizeof HANDLED[0])

static void say(int fd, const char *a, const char *b, const char *c) {
  if (a) (void)!write(fd, a, strlen(a));
  if (b) (void)!write(fd, b, strlen(b));
  if (c) (void)!write(fd, c, strlen(c));
}

static void write_all(int fd, const char *buf, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, (size_t)n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    buf += w;
    n -= w;
  }
}

/* One relayed output: the pipe (or terminal) read, the file appended, and backpressure. */
struct stream {
  int in, out;
  long long written, acked;
  char ack[4096];
};

static void stream_init(struct stream *s, int in, int out, const char *file) {
  struct stat st;
  s->in = in;
  s->out = out;
  s->written = fstat(out, &st) == 0 ? (long long)st.st_size : 0;
  s->acked = 0;
  snprintf(s->ack, sizeof s->ack, "%s.read", file);
}

/* True while more than `backlog` bytes of the file are unread by hero_proc. */
static int stream_throttled(struct stream *s, long long backlog) {
  if (s->written - s->acked <= backlog) return 0;
  struct stat st;
  if (fstat(s->out, &st) == 0 && st.st_nlink == 0) return 0; /* the job's files are gone */
  char buf[32] = {0};
  int fd = open(s->ack, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) s->acked = atoll(buf);
  }
  return s->written - s->acked > backlog;
}

/* Copies what is readable now into the file; closes the stream at its end. */
static int stream_copy(struct stream *s) {
  char buf[65536];
  ssize_t n = read(s->in, buf, sizeof buf);
  if (n > 0) {
    write_all(s->out, buf, n);
    s->written += n;
    return 1;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
  close(s->in); /* end of file, or EIO: the terminal's last holder closed it */
  s->in = -1;
  return 0;
}

/* The shim: argv[1..] as in the usage. `id` (spawner mode) prefixes the pid report. */
static int shim(int argc, char **argv, const char *id) {
  if (argc < 8) {
    say(2, "usage: hero_shim EXIT_FILE OUT_FILE ERR_FILE TTY TAG N CGROUP_PROCS... CMD [ARG...]\n",
        NULL, NULL);
    return 2;
  }
  const char *exit_file = argv[1], *out_file = argv[2], *err_file = argv[3];
  int tty = argv[4][0] == '1';
  char *tag = argv[5];
  int n = atoi(argv[6]);
  if (n < 0 || argc < 8 + n) {
    say(2, "hero_shim: bad arguments\n", NULL, NULL);
    return 2;
  }
  char **cgroups = argv + 7, **cmd = argv + 7 + n;

  /* Nothing hero_proc (or whoever started it) left open stays open in the shim or the job:
     an inherited pipe would keep its reader waiting for an end that never comes. */
  for (int fd = 3; fd < 1024; fd++) close(fd);

  /* The shim outlives hero_proc: no signal meant for the service or a dead pipe ends it. */
  for (size_t i = 0; i < NHANDLED; i++) signal(HANDLED[i], SIG_IGN);

  int out = open(out_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  int err = tty ? -1 : open(err_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (out < 0 || (!tty && err < 0)) {
    say(2, "hero_shim: cannot open ", out < 0 ? out_file : err_file, "\n");
    return 2;
  }
  const char *env_backlog = getenv("HERO_SHIM_BACKLOG");
  long long backlog = env_backlog ? atoll(env_backlog) : 64LL << 20;
  int master = -1, outp[2] = {-1, -1}, errp[2] = {-1, -1};
  const char *slave = NULL;
  if (tty) {
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) || unlockpt(master) || !(slave = ptsname(master))) {
      say(out, "hero_shim: cannot open a pseudo-terminal\n", NULL, NULL);
      return 2;
    }
  } else if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
    say(err, "hero_shim: cannot make pipes\n", NULL, NULL);
    return 2;
  }

  pid_t pid = fork();
  if (pid < 0) {
    say(tty ? out : err, "hero_shim: cannot fork\n", NULL, NULL);
    return 2;
  }
  if (pid == 0) {
    /* hero_proc's pipe is the shim's to answer on, not the job's (a report pipe held open
       during the cgroup joins below would delay the end hero_proc waits for). */
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) dup3(devnull, 1, 0);
    for (size_t i = 0; i < NHANDLED; i++) signal(HANDLED[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setsid();
    if (strcmp(tag, "-") != 0) putenv(tag);
    int report = tty ? out : err;
    char self[32];
    snprintf(self, sizeof self, "%d\n", (int)getpid());
    for (int i = 0; i < n; i++) {
      int fd = open(cgroups[i], O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write(fd, self, strlen(self)) < 0) {
        say(report, "hero_shim: cannot join cgroup ", cgroups[i], "\n");
        _exit(125);
      }
      close(fd);
    }
    if (tty) {
      int s = open(slave, O_RDWR);
      if (s < 0) _exit(125);
      ioctl(s, TIOCSCTTY, 0);
      struct winsize ws = {.ws_row = 40, .ws_col = 120};
      ioctl(s, TIOCSWINSZ, &ws);
      dup2(s, 0);
      dup2(s, 1);
      dup2(s, 2);
      if (s > 2) close(s);
    } else {
      int null = open("/dev/null", O_RDONLY);
      dup2(null, 0);
      dup2(outp[1], 1);
      dup2(errp[1], 2);
    }
    execvp(cmd[0], cmd);
    say(2, "hero_shim: cannot run ", cmd[0], errno == ENOENT ? ": not found\n" : ": not executable\n");
    _exit(127);
  }

  /* Tell hero_proc the pid, then hold nothing of hero_proc's: its pipes die with it. */
  char line[128];
  if (id) snprintf(line, sizeof line, "%s p %d\n", id, (int)pid);
  else snprintf(line, sizeof line, "%d\n", (int)pid);
  write_all(1, line, (ssize_t)strlen(line));
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  if (null > 2) close(null);
  if (!tty) {
    close(outp[1]);
    close(errp[1]);
  }

  struct stream s[2];
  int ns = tty ? 1 : 2;
  stream_init(&s[0], tty ? master : outp[0], out, out_file);
  if (!tty) stream_init(&s[1], errp[0], err, err_file);
  int status = 0, done = 0;
  for (;;) {
    struct pollfd p[2];
    int np = 0, map[2], throttled = 0, open_streams = 0;
    for (int i = 0; i < ns; i++) {
      if (s[i].in < 0) continue;
      open_streams++;
      if (stream_throttled(&s[i], backlog)) {
        throttled = 1;
        continue;
      }
      p[np].fd = s[i].in;
      p[np].events = POLLIN;
      map[np++] = i;
    }
    if (!open_streams) break;
    int r = poll(p, (nfds_t)np, throttled ? 50 : 200);
    int moved = 0;
    for (int k = 0; k < np && r > 0; k++) {
      if (!p[k].revents) continue;
      if (stream_copy(&s[map[k]])) moved = 1;
    }
    if (!done && waitpid(pid, &status, WNOHANG) == pid) done = 1;
    /* Once the process is gone, a grandchild holding its output open must not keep the shim:
       read what comes, and stop after a quiet moment. */
    if (done && !moved && !throttled) break;
  }
  while (!done && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  char tmp[4096], text[64];
  snprintf(tmp, sizeof tmp, "%s.tmp", exit_file);
  if (WIFSIGNALED(status)) snprintf(text, sizeof text, "signal %d\n", WTERMSIG(status));
  else snprintf(text, sizeof text, "exit %d\n", WEXITSTATUS(status));
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0) {
    write_all(fd, text, (ssize_t)strlen(text));
    close(fd);
    rename(tmp, exit_file);
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* One request: its strings, parsed in place from `buf` (n bytes). */
static int serve_request(const char *self, char *buf, size_t n) {
  char *f[4], *p = buf, *end = buf + n;
  for (int i = 0; i < 4; i++) {
    char *z = memchr(p, 0, (size_t)(end - p));
    if (!z) return -1;
    f[i] = p;
    p = z + 1;
  }
  const char *id = f[0], *cwd = f[1];
  long argc = atol(f[2]), envc = atol(f[3]);
  if (argc < 1 || envc < 0 || argc > 100000 || envc > 100000) return -1;
  char **args = calloc((size_t)(argc + 2), sizeof *args);
  char **env = calloc((size_t)(envc + 1), sizeof *env);
  if (!args || !env) return -1;
  args[0] = "hero_shim";
  for (long i = 0; i < argc + envc; i++) {
    char *z = memchr(p, 0, (size_t)(end - p));
    if (!z) {
      free(args);
      free(env);
      return -1;
    }
    if (i < argc) args[i + 1] = p;
    else env[i - argc] = p;
    p = z + 1;
  }
  char line[160];
  /* The shim's command line: the program, --reply ID, then the request's arguments. */
  char **argv2 = calloc((size_t)(argc + 4), sizeof *argv2);
  if (!argv2) {
    free(args);
    free(env);
    return -1;
  }
  argv2[0] = (char *)self;
  argv2[1] = "--reply";
  argv2[2] = (char *)id;
  for (long i = 0; i < argc; i++) argv2[i + 3] = args[i + 1];
  pid_t pid = fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (size_t i = 0; i < NHANDLED; i++) signal(HANDLED[i], SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    setsid();
    if (chdir(cwd) != 0) {
      snprintf(line, sizeof line, "%s e %d\n", id, errno);
      write_all(1, line, (ssize_t)strlen(line));
      _exit(2);
    }
    /* A fresh image: each shim is as small as one started directly, and named as one. */
    execve("/proc/self/exe", argv2, env);
    snprintf(line, sizeof line, "%s e %d\n", id, errno);
    write_all(1, line, (ssize_t)strlen(line));
    _exit(2);
  }
  if (pid < 0) snprintf(line, sizeof line, "%s e %d\n", id, errno);
  else snprintf(line, sizeof line, "%s s %d\n", id, (int)pid);
  write_all(1, line, (ssize_t)strlen(line));
  free(argv2);
  free(args);
  free(env);
  return 0;
}

/* The spawner loop (see the usage at the top). */
static int spawner(const char *self) {
  for (size_t i = 0; i < NHANDLED; i++) signal(HANDLED[i], SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) return 2;
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  if (!buf) return 2;
  for (;;) {
    struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 2;
    }
    if (p[1].revents) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) > 0) {
      }
      int status;
      pid_t dead;
      while ((dead = waitpid(-1, &status, WNOHANG)) > 0) {
        char line[32];
        snprintf(line, sizeof line, "x %d\n", (int)dead);
        write_all(1, line, (ssize_t)strlen(line));
      }
    }
    if (!p[0].revents) continue;
    if (len == cap) {
      char *bigger = realloc(buf, cap * 2);
      if (!bigger) return 2;
      buf = bigger;
      cap *= 2;
    }
    ssize_t r = read(0, buf + len, cap - len);
    if (r == 0) return 0; /* hero_proc is gone: the shims go on without this helper */
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return 2;
    }
    len += (size_t)r;
    for (;;) {
      if (len < 4) break;
      uint32_t n = (uint32_t)(unsigned char)buf[0] | (uint32_t)(unsigned char)buf[1] << 8 |
                   (uint32_t)(unsigned char)buf[2] << 16 | (uint32_t)(unsigned char)buf[3] << 24;
      if (n > (64u << 20)) return 2;
      if (len < 4 + (size_t)n) {
        if (4 + (size_t)n > cap) {
          char *bigger = realloc(buf, 4 + (size_t)n);
          if (!bigger) return 2;
          buf = bigger;
          cap = 4 + (size_t)n;
        }
        break;
      }
      if (serve_request(self, buf + 4, n) < 0) return 2;
      memmove(buf, buf + 4 + n, len - 4 - n);
      len -= 4 + n;
    }
  }
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--punch") == 0) {
    int fd = open(argv[2], O_WRONLY | O_CLOEXEC);
    off_t len = (off_t)strtoll(argv[3], NULL, 10) & ~((off_t)4095);
    if (fd < 0 || (len > 0 && fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, len))) {
      say(2, "hero_shim: cannot free ", argv[2], "\n");
      return 1;
    }
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "--spawner") == 0) return spawner(argv[0]);
  /* A shim started by the spawner: its pid report names the request. */
  if (argc > 3 && strcmp(argv[1], "--reply") == 0) {
    const char *id = argv[2];
    argv[2] = argv[0];
    return shim(argc - 2, argv + 2, id);
  }
  return shim(argc, argv, NULL);
}
