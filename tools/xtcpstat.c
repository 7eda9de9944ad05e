// SPDX-License-Identifier: GPL-2.0
/*
 * xtcpstat: what ss -tan is for TCP, for xtcp. It reads the namespace's
 * /proc/xtcp/{conns,info,history,stats} (their formats are in README.md)
 * and prints a table, or JSON for scripts. See xtcpstat(8).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <linux/xtcp.h>

#define PROC_DIR	"/proc/xtcp"
#define MAX_COLS	48

/* One /proc listing: its header's column names and its rows. */
struct table {
	int ncols;
	char *cols[MAX_COLS];
	size_t nrows;
	char *(*rows)[MAX_COLS];
	char *text;		/* every string above points into it */
};

/* Index i is state i + 1 (XTCP_ESTABLISHED is 1); names from the uapi header. */
static const char *const all_state_names[XTCP_MAX_STATES] = XTCP_STATE_NAMES;
static const char *const *const state_names = all_state_names + 1;

#define NSTATES (XTCP_MAX_STATES - 1)
#define STATE(name) (1u << state_index(name))
/* ss's default: connections, without listeners, TIME_WAIT and SYN_RECV. */
#define STATES_CONNECTED (((1u << NSTATES) - 1) & ~(STATE("LISTEN") | STATE("CLOSE") | \
			  STATE("TIME_WAIT") | STATE("SYN_RECV")))

static struct {
	unsigned int states;	/* bit i: state_names[i] is shown */
	bool states_given;
	long port, sport, dport;	/* -1: any */
	bool extended, info, summary, history, json;
	double watch;
} opt = { .port = -1, .sport = -1, .dport = -1 };

static int state_index(const char *name)
{
	for (int i = 0; i < NSTATES; i++)
		if (!strcasecmp(name, state_names[i]))
			return i;
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xtcpstat [OPTIONS]\n"
		"List the xtcp sockets of this network namespace, as ss -tan lists TCP's.\n"
		"\n"
		"Which sockets (by default: connections, without LISTEN, SYN_RECV and TIME_WAIT):\n"
		"  -a, --all              every socket and TIME_WAIT entry\n"
		"  -l, --listening        listening sockets only\n"
		"  -S, --state NAME       sockets in state NAME (repeatable; ESTABLISHED,\n"
		"                         SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT,\n"
		"                         CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING)\n"
		"  -p, --port N           local or remote port N\n"
		"      --sport N          local port N\n"
		"      --dport N          remote port N\n"
		"\n"
		"What to show:\n"
		"  -e, --extended         sequence numbers, windows, the armed timer, uid, inode\n"
		"  -i, --info             XTCP_INFO details: RTO, RTT, MSS, bytes, segments\n"
		"  -H, --history          each connection's state history (implies -a)\n"
		"  -s, --summary          the counters of /proc/xtcp/stats and sockets per state\n"
		"  -j, --json             JSON instead of text (one document per refresh)\n"
		"  -w, --watch SECONDS    refresh every SECONDS (up to 86400), in place\n"
		"  -h, --help             this text\n"
		"\n"
		"Exit status: 0 on success, 1 if xtcp is not loaded or /proc cannot be read,\n"
		"2 on a usage error.\n");
}

static void table_free(struct table *t)
{
	free(t->rows);
	free(t->text);
	memset(t, 0, sizeof(*t));
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 65536;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		char *bigger;

		len += n;
		if (n == 0)
			break;
		if (cap - len > 1)
			continue;
		cap *= 2;
		bigger = realloc(buf, cap);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* Split line into at most max fields at spaces; the last takes the rest. */
static int split(char *line, char **fields, int max)
{
	int n = 0;

	while (*line && n < max) {
		while (*line == ' ')
			line++;
		if (!*line)
			break;
		fields[n++] = line;
		if (n == max)
			break;
		line += strcspn(line, " ");
		if (*line)
			*line++ = '\0';
	}
	return n;
}

/*
 * Read /proc/xtcp/NAME: its first line names the columns, or, for a file
 * without a header (stats), the columns are "name" and "value". Returns 0,
 * or -1 with errno set.
 */
static int table_read(const char *name, struct table *t)
{
	char path[64], *line, *next;
	size_t cap = 0;

	memset(t, 0, sizeof(*t));
	if (!strcmp(name, "stats")) {
		t->ncols = 2;
		t->cols[0] = (char *)"name";
		t->cols[1] = (char *)"value";
	}
	snprintf(path, sizeof(path), PROC_DIR "/%s", name);
	t->text = read_file(path);
	if (!t->text)
		return -1;
	for (line = t->text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!t->ncols) {
			t->ncols = split(line, t->cols, MAX_COLS);
			continue;
		}
		if (t->nrows == cap) {
			void *bigger;

			cap = cap ? 2 * cap : 256;
			bigger = realloc(t->rows, cap * sizeof(*t->rows));
			if (!bigger) {
				table_free(t);
				errno = ENOMEM;
				return -1;
			}
			t->rows = bigger;
		}
		memset(t->rows[t->nrows], 0, sizeof(t->rows[t->nrows]));
		if (split(line, t->rows[t->nrows], t->ncols) == t->ncols)
			t->nrows++;
	}
	return 0;
}

static const char *field(const struct table *t, size_t row, const char *col)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], col))
			return t->rows[row][i];
	return "?";
}

/*
 * The row of t for local -> remote, or -1. The listings walk the tables in
 * the same order, so the search starts after the previous hit (*hint) and
 * a whole join costs O(n) unless sockets came and went between the reads.
 */
static long find_row(const struct table *t, const char *local, const char *remote,
		     size_t *hint)
{
	for (size_t i = 0; i < t->nrows; i++) {
		size_t r = (*hint + i) % t->nrows;

		if (!strcmp(t->rows[r][0], local) && !strcmp(t->rows[r][1], remote)) {
			*hint = r + 1;
			return (long)r;
		}
	}
	return -1;
}

static long port_of(const char *addr)
{
	const char *colon = strrchr(addr, ':');

	return colon ? strtol(colon + 1, NULL, 10) : -1;
}

static bool selected(const struct table *conns, size_t r)
{
	int s = state_index(field(conns, r, "state"));
	long lp = port_of(field(conns, r, "local")), rp = port_of(field(conns, r, "remote"));

	if (s < 0 || !(opt.states & (1u << s)))
		return false;
	if (opt.port >= 0 && lp != opt.port && rp != opt.port)
		return false;
	if (opt.sport >= 0 && lp != opt.sport)
		return false;
	return opt.dport < 0 || rp == opt.dport;
}

static bool numeric(const char *s)
{
	if (*s == '-')
		s++;
	return *s && strspn(s, "0123456789") == strlen(s);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_value(const char *s)
{
	if (numeric(s))
		fputs(s, stdout);
	else
		json_string(s);
}

/* A row's fields from column first on, as "name":value pairs. */
static void json_fields(const struct table *t, size_t r, int first)
{
	for (int i = first; i < t->ncols; i++) {
		if (i > first)
			putchar(',');
		json_string(t->cols[i]);
		putchar(':');
		json_value(t->rows[r][i]);
	}
}

/* The history rows of local -> remote, as text or as a JSON member. */
static void show_history(const struct table *hist, const char *local, const char *remote)
{
	bool first = true;

	if (opt.json)
		fputs(",\"history\":[", stdout);
	for (size_t r = 0; r < hist->nrows; r++) {
		if (strcmp(hist->rows[r][0], local) || strcmp(hist->rows[r][1], remote))
			continue;
		if (opt.json) {
			printf("%s{", first ? "" : ",");
			json_fields(hist, r, 2);
			putchar('}');
		} else {
			printf("\t%s  %-11s -> %-11s  %s\n", field(hist, r, "time"),
			       field(hist, r, "from"), field(hist, r, "to"), field(hist, r, "event"));
		}
		first = false;
	}
	if (opt.json)
		putchar(']');
}

static void show_info_text(const struct table *info, long r)
{
	const char *srtt = field(info, r, "srtt_us");

	printf("\t rto:%.3fms", atof(field(info, r, "rto_us")) / 1000);
	if (strcmp(srtt, "0"))
		printf(" rtt:%.3f/%.3fms minrtt:%.3fms", atof(srtt) / 1000,
		       atof(field(info, r, "rttvar_us")) / 1000,
		       atof(field(info, r, "min_rtt_us")) / 1000);
	printf(" mss:%s snd_wnd:%s rcv_wnd:%s unacked:%s retrans:%s/%s bytes_sent:%s"
	       " bytes_acked:%s bytes_received:%s segs_out:%s segs_in:%s\n",
	       field(info, r, "mss"), field(info, r, "snd_wnd"), field(info, r, "rcv_wnd"),
	       field(info, r, "unacked"), field(info, r, "retransmits"),
	       field(info, r, "total_retrans"), field(info, r, "bytes_sent"),
	       field(info, r, "bytes_acked"), field(info, r, "bytes_received"),
	       field(info, r, "segs_out"), field(info, r, "segs_in"));
	printf("\t cwnd:%s ssthresh:%s lost:%s ca_state:%s wscale:%s,%s ato:%.0fms\n",
	       field(info, r, "cwnd"), field(info, r, "ssthresh"), field(info, r, "lost"),
	       field(info, r, "ca_state"), field(info, r, "snd_wscale"),
	       field(info, r, "rcv_wscale"), atof(field(info, r, "ato_us")) / 1000);
	printf("\t cc:%s sack:%s ts:%s sacked:%s retrans_out:%s reordering:%s dsacks:%s"
	       " undos:%s tlps:%s\n",
	       field(info, r, "cc"), field(info, r, "sack"), field(info, r, "timestamps"),
	       field(info, r, "sacked"), field(info, r, "retrans"), field(info, r, "reordering"),
	       field(info, r, "dsacks"), field(info, r, "undos"), field(info, r, "tlps"));
}

static void show_conn_text(const struct table *c, size_t r)
{
	printf("%-11s %6s %6s  %-21s %-21s", field(c, r, "state"), field(c, r, "recv-q"),
	       field(c, r, "send-q"), field(c, r, "local"), field(c, r, "remote"));
	if (opt.extended) {
		const char *timer = field(c, r, "timer");

		if (strcmp(timer, "off"))
			printf(" timer:(%s,%sms)", timer, field(c, r, "timer_ms"));
		printf(" snd_una:%s snd_nxt:%s rcv_nxt:%s snd_wnd:%s rcv_wnd:%s retrans:%s"
		       " uid:%s ino:%s", field(c, r, "snd_una"), field(c, r, "snd_nxt"),
		       field(c, r, "rcv_nxt"), field(c, r, "snd_wnd"), field(c, r, "rcv_wnd"),
		       field(c, r, "retrans"), field(c, r, "uid"), field(c, r, "inode"));
	}
	putchar('\n');
}

/*
 * The selected sockets. JSON: {"connections": [...]}, each object with every
 * column of /proc/xtcp/conns, plus "info" (the columns of /proc/xtcp/info)
 * with -i and "history" with -H.
 */
static int show_connections(void)
{
	struct table conns, info = { 0 }, hist = { 0 };
	size_t hint = 0;
	bool first = true;
	int err = 0;

	if (table_read("conns", &conns))
		return -1;
	if ((opt.info && table_read("info", &info)) ||
	    (opt.history && table_read("history", &hist))) {
		err = -1;
		goto out;
	}
	if (opt.json)
		fputs("{\"connections\":[", stdout);
	else
		printf("%-11s %6s %6s  %-21s %-21s\n", "State", "Recv-Q", "Send-Q",
		       "Local Address:Port", "Peer Address:Port");
	for (size_t r = 0; r < conns.nrows; r++) {
		const char *local = conns.rows[r][0], *remote = conns.rows[r][1];
		long ir = opt.info ? find_row(&info, local, remote, &hint) : -1;

		if (!selected(&conns, r))
			continue;
		if (opt.json) {
			printf("%s{", first ? "" : ",");
			json_fields(&conns, r, 0);
			if (ir >= 0) {
				fputs(",\"info\":{", stdout);
				json_fields(&info, ir, 3);
				putchar('}');
			}
			if (opt.history)
				show_history(&hist, local, remote);
			putchar('}');
		} else {
			show_conn_text(&conns, r);
			if (ir >= 0)
				show_info_text(&info, ir);
			if (opt.history)
				show_history(&hist, local, remote);
		}
		first = false;
	}
	if (opt.json)
		fputs("]}\n", stdout);
out:
	table_free(&conns);
	table_free(&info);
	table_free(&hist);
	return err;
}

/* -s: the counters, and how many sockets are in each state. */
static int show_summary(void)
{
	struct table conns, stats;
	size_t per_state[NSTATES] = { 0 };
	bool first = true;

	if (table_read("conns", &conns))
		return -1;
	if (table_read("stats", &stats)) {
		table_free(&conns);
		return -1;
	}
	for (size_t r = 0; r < conns.nrows; r++) {
		int s = state_index(field(&conns, r, "state"));

		if (s >= 0)
			per_state[s]++;
	}
	if (opt.json)
		fputs("{\"counters\":{", stdout);
	else
		printf("Counters (/proc/xtcp/stats):\n");
	for (size_t r = 0; r < stats.nrows; r++) {
		const char *name = stats.rows[r][0], *value = stats.rows[r][1];

		if (opt.json) {
			printf("%s", first ? "" : ",");
			json_string(name);
			putchar(':');
			json_value(value);
		} else {
			printf("  %-18s %s\n", name, value);
		}
		first = false;
	}
	if (opt.json)
		fputs("},\"states\":{", stdout);
	else
		printf("Sockets by state (/proc/xtcp/conns):\n");
	first = true;
	if (!opt.json && !conns.nrows)
		printf("  (none)\n");
	for (int s = 0; s < NSTATES; s++) {
		if (opt.json) {
			printf("%s\"%s\":%zu", first ? "" : ",", state_names[s], per_state[s]);
			first = false;
		} else if (per_state[s]) {
			printf("  %-18s %zu\n", state_names[s], per_state[s]);
		}
	}
	if (opt.json)
		fputs("}}\n", stdout);
	table_free(&conns);
	table_free(&stats);
	return 0;
}

static long parse_port(const char *s)
{
	char *end;
	long p = strtol(s, &end, 10);

	if (!*s || *end || p < 0 || p > 65535) {
		fprintf(stderr, "xtcpstat: bad port '%s'\n", s);
		exit(2);
	}
	return p;
}

static void parse_args(int argc, char **argv)
{
	enum { OPT_SPORT = 256, OPT_DPORT };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "listening", no_argument, NULL, 'l' },
		{ "state", required_argument, NULL, 'S' },
		{ "port", required_argument, NULL, 'p' },
		{ "sport", required_argument, NULL, OPT_SPORT },
		{ "dport", required_argument, NULL, OPT_DPORT },
		{ "extended", no_argument, NULL, 'e' },
		{ "info", no_argument, NULL, 'i' },
		{ "history", no_argument, NULL, 'H' },
		{ "summary", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false;
	char *end;
	int c, s;

	while ((c = getopt_long(argc, argv, "alS:p:eiHsjw:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'l':
			opt.states |= STATE("LISTEN");
			opt.states_given = true;
			break;
		case 'S':
			s = state_index(optarg);
			if (s < 0) {
				fprintf(stderr, "xtcpstat: unknown state '%s' (see --help)\n", optarg);
				exit(2);
			}
			opt.states |= 1u << s;
			opt.states_given = true;
			break;
		case 'p':
			opt.port = parse_port(optarg);
			break;
		case OPT_SPORT:
			opt.sport = parse_port(optarg);
			break;
		case OPT_DPORT:
			opt.dport = parse_port(optarg);
			break;
		case 'e':
			opt.extended = true;
			break;
		case 'i':
			opt.info = true;
			break;
		case 'H':
			opt.history = true;
			break;
		case 's':
			opt.summary = true;
			break;
		case 'j':
			opt.json = true;
			break;
		case 'w':
			opt.watch = strtod(optarg, &end);
			if (*end || !(opt.watch > 0 && opt.watch <= 86400)) {
				fprintf(stderr, "xtcpstat: bad interval '%s'\n", optarg);
				exit(2);
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xtcpstat: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		exit(2);
	}
	if (all || (opt.history && !opt.states_given))
		opt.states = (1u << NSTATES) - 1;
	else if (!opt.states_given)
		opt.states = STATES_CONNECTED;
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	if (access(PROC_DIR "/conns", R_OK)) {
		if (errno == ENOENT)
			fprintf(stderr, "xtcpstat: xtcp is not loaded (no %s); load it with: insmod xtcp.ko\n",
				PROC_DIR);
		else
			fprintf(stderr, "xtcpstat: %s/conns: %s\n", PROC_DIR, strerror(errno));
		return 1;
	}
	for (;;) {
		int err;

		if (opt.watch > 0 && !opt.json)
			fputs("\033[H\033[2J", stdout);	/* in place: home, clear */
		err = opt.summary ? show_summary() : show_connections();
		if (err) {
			fprintf(stderr, "xtcpstat: reading %s: %s\n", PROC_DIR, strerror(errno));
			return 1;
		}
		if (!(opt.watch > 0))
			return 0;
		fflush(stdout);
		nanosleep(&(struct timespec){ .tv_sec = (time_t)opt.watch,
			  .tv_nsec = (long)((opt.watch - (time_t)opt.watch) * 1e9) }, NULL);
	}
}
