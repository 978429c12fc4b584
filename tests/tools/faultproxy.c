/*
 * faultproxy: a loopback TCP proxy that a test drives to break the connections it carries.
 *
 *   faultproxy [--port-file FILE] [--control FILE] [-v] LISTEN_PORT TARGET_PORT
 *
 * Listens on 127.0.0.1:LISTEN_PORT (0: a free port below the ephemeral range; --port-file
 * receives the port once the proxy listens) and forwards each connection to
 * 127.0.0.1:TARGET_PORT, until SIGTERM or SIGINT.  The faults, on demand:
 *
 *   SIGUSR1   cut: every connection is reset now (both sides get an RST, as when a
 *             firewall or a NAT drops the flow); new ones are forwarded as before
 *   SIGUSR2   cut, then refuse new connections for 2 s (connect() fails)
 *   SIGHUP    run the command in the --control file, one of
 *               cut
 *               refuse SECONDS     cut, then connect() is refused for SECONDS
 *               blackhole SECONDS  cut, then new connections are accepted but get no
 *                                  answer for SECONDS, and are reset at its end
 *               stall SECONDS      nothing moves for SECONDS (the connections stay
 *                                  open, new ones wait in the backlog), then all resumes
 *               forward            back to plain forwarding at once
 *
 * Each fault is logged on stderr with how many connections it cut; the totals at exit.
 * Self-contained (POSIX and Linux only), so a test can build it with `cc` wherever it runs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN 256
#define BUFSZ	65536

enum mode
{
	FORWARD,
	REFUSE,
	BLACKHOLE,
	STALL
};
static const char *mode_name[] = { "forward", "refuse", "blackhole", "stall" };

struct conn
{
	int fd[2];			/* 0: the client, 1: the target; -1 when unused */
	char buf[2][BUFSZ]; /* buf[d]: read from fd[d], to be written to fd[1 - d] */
	size_t len[2], off[2];
	int eof[2];
};

static struct conn conns[MAXCONN];
static int held[MAXCONN]; /* blackholed clients */
static int nheld;
static int lfd = -1, listening = 1, verbose;
static enum mode mode = FORWARD;
static double mode_end;
static unsigned short target_port, listen_port;
static const char *control_file;
static volatile sig_atomic_t got_cut, got_refuse, got_control, got_stop;
static unsigned long n_accepted, n_cut, n_faults;

static void
say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("faultproxy: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
on_signal(int sig)
{
	switch (sig)
	{
		case SIGUSR1:
			got_cut = 1;
			break;
		case SIGUSR2:
			got_refuse = 1;
			break;
		case SIGHUP:
			got_control = 1;
			break;
		default:
			got_stop = 1;
			break;
	}
}

/* An RST rather than a FIN: the peer sees the connection broken, not ended. */
static void
reset_close(int fd)
{
	struct linger lg = { 1, 0 };
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

static void
conn_drop(struct conn *c, int reset)
{
	int d;
	for (d = 0; d < 2; d++)
	{
		if (reset)
			reset_close(c->fd[d]);
		else if (c->fd[d] >= 0)
			close(c->fd[d]);
		c->fd[d] = -1;
	}
}

static int
cut_all(void)
{
	int i, n = 0;
	for (i = 0; i < MAXCONN; i++)
	{
		if (conns[i].fd[0] >= 0)
		{
			conn_drop(&conns[i], 1);
			n++;
		}
	}
	for (i = 0; i < nheld; i++, n++)
		reset_close(held[i]);
	nheld = 0;
	n_cut += n;
	return n;
}

/* Binds the listening socket to 127.0.0.1:port; port 0 picks a free one below the
 * kernel's ephemeral range, so that no outgoing connection takes it while it is closed. */
static int
open_listener(unsigned short port)
{
	struct sockaddr_in sa;
	unsigned lo = 32768, hi;
	int fd, one = 1, tries;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (f)
	{
		if (fscanf(f, "%u", &lo) != 1)
			lo = 32768;
		fclose(f);
	}
	hi = lo > 20000 ? lo - 1 : 65000;
	srand((unsigned) getpid() ^ (unsigned) time(NULL));
	for (tries = 0; tries < 200; tries++)
	{
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		memset(&sa, 0, sizeof sa);
		sa.sin_family = AF_INET;
		sa.sin_port = htons(port ? port : (unsigned short) (15000 + rand() % (hi - 15000)));
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(fd, (struct sockaddr *) &sa, sizeof sa) == 0 && listen(fd, 128) == 0)
		{
			listen_port = ntohs(sa.sin_port);
			return fd;
		}
		close(fd);
		if (port)
			return -1;
	}
	errno = EADDRINUSE;
	return -1;
}

/* Refusing is not listening at all, so that connect() fails at once as with a server
 * that is down: the port is let go, then bound again. */
static void
set_listening(int on)
{
	int tries;
	if (on == listening)
		return;
	if (!on)
	{
		close(lfd);
		lfd = -1;
	}
	else
	{
		for (tries = 0; tries < 100 && (lfd = open_listener(listen_port)) < 0; tries++)
			usleep(50000);
		if (lfd < 0)
		{
			say("cannot listen on port %u again: %s", listen_port, strerror(errno));
			exit(1);
		}
	}
	listening = on;
}

static void
start_mode(enum mode m, double seconds)
{
	int n = 0;
	if (m != STALL)
		n = cut_all();
	n_faults++;
	mode = m;
	mode_end = now() + seconds;
	if (m == FORWARD)
		say("cut %d connection%s", n, n == 1 ? "" : "s");
	else if (m == STALL)
		say("stall for %.1f s", seconds);
	else
		say("cut %d connection%s, %s new ones for %.1f s", n, n == 1 ? "" : "s",
			mode_name[m], seconds);
	set_listening(m != REFUSE);
}

static void
end_mode(void)
{
	int i;
	if (mode == BLACKHOLE)
	{
		for (i = 0; i < nheld; i++)
			reset_close(held[i]);
		if (nheld)
			say("reset %d blackholed connection%s", nheld, nheld == 1 ? "" : "s");
		n_cut += nheld;
		nheld = 0;
	}
	if (mode != FORWARD)
		say("forwarding again");
	mode = FORWARD;
	set_listening(1);
}

static void
run_control(void)
{
	char line[256] = "", word[32] = "";
	double sec = 0;
	FILE *f;
	if (!control_file || !(f = fopen(control_file, "r")))
	{
		say("no control file to read");
		return;
	}
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	if (sscanf(line, "%31s %lf", word, &sec) < 1)
	{
		say("empty control file");
		return;
	}
	if (!strcmp(word, "cut"))
		start_mode(FORWARD, 0);
	else if (!strcmp(word, "refuse"))
		start_mode(REFUSE, sec);
	else if (!strcmp(word, "blackhole"))
		start_mode(BLACKHOLE, sec);
	else if (!strcmp(word, "stall"))
		start_mode(STALL, sec);
	else if (!strcmp(word, "forward"))
		end_mode();
	else
		say("unknown control command \"%s\"", word);
}

static int
connect_target(void)
{
	struct sockaddr_in sa;
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	/* a target whose backlog is full must not freeze the whole proxy */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(target_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
	{
		close(fd);
		return -1;
	}
	return fd;
}

static void
accept_one(void)
{
	int cfd, tfd, i, one = 1;
	cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	n_accepted++;
	if (mode == BLACKHOLE)
	{
		if (nheld < MAXCONN)
			held[nheld++] = cfd;
		else
			reset_close(cfd);
		return;
	}
	for (i = 0; i < MAXCONN && conns[i].fd[0] >= 0; i++)
		;
	if (i == MAXCONN || (tfd = connect_target()) < 0)
	{
		if (verbose)
			say("cannot reach the target: %s", i == MAXCONN ? "too many connections" : strerror(errno));
		reset_close(cfd);
		return;
	}
	fcntl(tfd, F_SETFL, fcntl(tfd, F_GETFL) | O_NONBLOCK);
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(tfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	memset(&conns[i], 0, sizeof conns[i]);
	conns[i].fd[0] = cfd;
	conns[i].fd[1] = tfd;
	if (verbose)
		say("connection %lu forwarded", n_accepted);
}

/* Moves what can move on one connection; drops it when it is over. */
static void
pump(struct conn *c, const short *rev)
{
	int d;
	ssize_t n;
	for (d = 0; d < 2; d++)
	{
		if (c->fd[0] < 0)
			return;
		if ((rev[d] & (POLLIN | POLLHUP | POLLERR)) && !c->eof[d] && c->len[d] == 0)
		{
			n = read(c->fd[d], c->buf[d], BUFSZ);
			if (n > 0)
			{
				c->len[d] = n;
				c->off[d] = 0;
			}
			else if (n == 0)
			{
				c->eof[d] = 1;
			}
			else if (errno != EAGAIN && errno != EINTR)
			{
				conn_drop(c, 1);
				return;
			}
		}
		if (c->len[d] > 0)
		{
			n = write(c->fd[1 - d], c->buf[d] + c->off[d], c->len[d]);
			if (n > 0)
			{
				c->off[d] += n;
				c->len[d] -= n;
			}
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
			{
				conn_drop(c, 1);
				return;
			}
		}
		if (c->eof[d] && c->len[d] == 0 && c->eof[d] != 2)
		{
			/* pass the end on, so that a last error message still arrives */
			shutdown(c->fd[1 - d], SHUT_WR);
			c->eof[d] = 2;
		}
	}
	if (c->fd[0] < 0)
		return;
	if ((rev[0] & POLLERR) || (rev[1] & POLLERR))
		conn_drop(c, 1);
	else if ((c->eof[0] == 2 && c->eof[1] == 2) || ((rev[0] & POLLHUP) && c->eof[0]) ||
			 ((rev[1] & POLLHUP) && c->eof[1]))
		/* a side that hung up with nothing left to read: nothing more can move */
		conn_drop(c, 0);
}

static void
usage(void)
{
	fprintf(stderr, "Usage: faultproxy [--port-file FILE] [--control FILE] [-v] LISTEN_PORT TARGET_PORT\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct pollfd pfd[1 + 2 * MAXCONN];
	int idx[1 + 2 * MAXCONN];
	const char *port_file = NULL;
	struct sigaction act;
	sigset_t block, empty;
	int i, argi = 1;

	while (argi < argc && argv[argi][0] == '-')
	{
		if (!strcmp(argv[argi], "--port-file") && argi + 1 < argc)
			port_file = argv[++argi];
		else if (!strcmp(argv[argi], "--control") && argi + 1 < argc)
			control_file = argv[++argi];
		else if (!strcmp(argv[argi], "-v"))
			verbose = 1;
		else
			usage();
		argi++;
	}
	if (argc - argi != 2)
		usage();
	target_port = (unsigned short) atoi(argv[argi + 1]);

	for (i = 0; i < MAXCONN; i++)
		conns[i].fd[0] = conns[i].fd[1] = -1;

	/* The signals are taken only inside ppoll(): none is lost between two waits. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&empty);
	memset(&act, 0, sizeof act);
	act.sa_handler = on_signal;
	sigaction(SIGUSR1, &act, NULL);
	sigaction(SIGUSR2, &act, NULL);
	sigaction(SIGHUP, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	signal(SIGPIPE, SIG_IGN);

	lfd = open_listener((unsigned short) atoi(argv[argi]));
	if (lfd < 0)
	{
		say("cannot listen on 127.0.0.1:%s: %s", argv[argi], strerror(errno));
		return 1;
	}
	if (port_file)
	{
		char tmp[4096];
		FILE *f;
		snprintf(tmp, sizeof tmp, "%s.new", port_file);
		if (!(f = fopen(tmp, "w")) || fprintf(f, "%u\n", listen_port) < 0 ||
			fclose(f) != 0 || rename(tmp, port_file) < 0)
		{
			say("cannot write %s: %s", port_file, strerror(errno));
			return 1;
		}
	}
	say("127.0.0.1:%u -> 127.0.0.1:%u", listen_port, target_port);

	while (!got_stop)
	{
		struct timespec ts, *tsp = NULL;
		int n = 0, r;

		if (got_cut)
		{
			got_cut = 0;
			start_mode(FORWARD, 0);
		}
		if (got_refuse)
		{
			got_refuse = 0;
			start_mode(REFUSE, 2);
		}
		if (got_control)
		{
			got_control = 0;
			run_control();
		}
		if (mode != FORWARD && now() >= mode_end)
			end_mode();

		if (listening && mode != STALL)
		{
			pfd[n].fd = lfd;
			pfd[n].events = POLLIN;
			idx[n++] = -1;
		}
		if (mode != STALL)
		{
			for (i = 0; i < MAXCONN; i++)
			{
				struct conn *c = &conns[i];
				int d;
				if (c->fd[0] < 0)
					continue;
				for (d = 0; d < 2; d++)
				{
					pfd[n].fd = c->fd[d];
					pfd[n].events = 0;
					if (!c->eof[d] && c->len[d] == 0)
						pfd[n].events |= POLLIN;
					if (c->len[1 - d] > 0)
						pfd[n].events |= POLLOUT;
					idx[n++] = i;
				}
			}
		}
		if (mode != FORWARD)
		{
			double left = mode_end - now();
			if (left < 0)
				left = 0;
			ts.tv_sec = (time_t) left;
			ts.tv_nsec = (long) ((left - ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		r = ppoll(pfd, n, tsp, &empty);
		if (r <= 0)
			continue;
		for (i = 0; i < n; i++)
		{
			if (idx[i] < 0)
			{
				if (pfd[i].revents & POLLIN)
					accept_one();
			}
			else if (i + 1 < n && idx[i + 1] == idx[i])
			{
				short rev[2] = { 0, 0 };
				/* POLLOUT on fd[1 - d] lets buf[d] go: pump() tries each write anyway */
				rev[0] = pfd[i].revents;
				rev[1] = pfd[i + 1].revents;
				if (rev[0] || rev[1])
					pump(&conns[idx[i]], rev);
				i++;
			}
		}
	}
	i = cut_all();
	n_cut -= i;
	say("stopped: %lu connections, %lu faults, %lu connections cut",
		n_accepted, n_faults, n_cut);
	return 0;
}
