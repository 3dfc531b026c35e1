/*
 * tabby-cni-launch: what the container runtime executes as tabby-cni, tabby (its alias) and tabby-ipam.
 *
 * It does what dev.tabby.cni.client.CniClient does on its common path, without a JVM start (most of an ADD's cost
 * when the client was Java): hands the CNI_* and TABBY_* environment and stdin to the node's CNI daemon over its Unix
 * socket (TABBY_CNI_SOCKET, default /run/tabby/cni.sock) in the Frames protocol, version 1
 * (services/cni/src/main/java/dev/tabby/cni/client/Frames.java), prints the reply's stdout and stderr and exits
 * with its code.
 *
 * When nothing listens at the socket it execs the Java client, which then runs the plugin in-process as it always
 * did: how is written by cni_install in the sidecar file tabby-cni.fallback next to this binary (see
 * exec_fallback). Every other failure is a CNI error result on stdout (code 11, try again later; a bad
 * TABBY_CNI_TIMEOUT code 4), worded as CniClient words it, and exit code 1.
 *
 * Time-outs as CniClient's: the daemon must accept the connection within 5 s, and the reply must arrive within
 * TABBY_CNI_TIMEOUT seconds (default 120) of the connection. Reply fields are refused above 16 MiB, as Frames does.
 *
 * Build: cc -O2 -static -Wall -Wextra -Werror (static: the cni image installs it onto hosts of any libc).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAGIC 0x54434E49u /* "TCNI" */
#define FRAME_VERSION 1u
#define MAX_FIELD (16u * 1024u * 1024u)
#define DEFAULT_SOCKET "/run/tabby/cni.sock"
#define SOCKET_VAR "TABBY_CNI_SOCKET"
#define TIMEOUT_VAR "TABBY_CNI_TIMEOUT"
#define DEFAULT_TIMEOUT_SECONDS 120
#define CONNECT_TIMEOUT_SECONDS 5
#define FALLBACK_FILE "tabby-cni.fallback"
#define MAX_FALLBACK_ARGS 64

extern char **environ;

/* A growable byte buffer; running out of memory ends the program with a CNI error (see fail). */
struct buf {
    unsigned char *data;
    size_t len;
    size_t cap;
};

static struct buf stdin_bytes;

static void fail(int code, const char *details, const char *fmt, ...) __attribute__((format(printf, 3, 4), noreturn));

static void buf_reserve(struct buf *b, size_t more) {
    if (b->cap - b->len >= more) {
        return;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < more) {
        cap *= 2;
    }
    unsigned char *d = realloc(b->data, cap);
    if (d == NULL) {
        fail(11, NULL, "the Tabby CNI launcher ran out of memory (%zu bytes)", cap);
    }
    b->data = d;
    b->cap = cap;
}

static void buf_add(struct buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_u32(struct buf *b, uint32_t v) {
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
    buf_add(b, x, 4);
}

static void buf_field(struct buf *b, const void *p, size_t n) {
    buf_u32(b, (uint32_t)n);
    buf_add(b, p, n);
}

static void buf_str(struct buf *b, const char *s) {
    buf_add(b, s, strlen(s));
}

/* s as the inside of a JSON string, as CniClient.escape writes it. */
static void buf_json(struct buf *b, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': buf_str(b, "\\\""); break;
        case '\\': buf_str(b, "\\\\"); break;
        case '\n': buf_str(b, "\\n"); break;
        case '\r': buf_str(b, "\\r"); break;
        case '\t': buf_str(b, "\\t"); break;
        default:
            if (c < 0x20) {
                char u[8];
                snprintf(u, sizeof u, "\\u%04x", c);
                buf_str(b, u);
            } else {
                buf_add(b, &c, 1);
            }
        }
    }
}

static int write_all(int fd, const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int is_json_space(char c) {
    /* Java's \s: space, \t, \n, \x0B, \f, \r */
    return c == ' ' || c == '\t' || c == '\n' || c == '\x0b' || c == '\f' || c == '\r';
}

/* The configuration's cniVersion as CniClient finds it ("cniVersion"\s*:\s*"([^"]{1,20})"), else 1.0.0. */
static void cni_version(char *out, size_t size) {
    static const char key[] = "\"cniVersion\"";
    const char *s = (const char *)stdin_bytes.data;
    size_t n = stdin_bytes.len;
    snprintf(out, size, "1.0.0");
    for (size_t i = 0; s != NULL && i + sizeof key - 1 <= n; i++) {
        if (memcmp(s + i, key, sizeof key - 1) != 0) {
            continue;
        }
        size_t j = i + sizeof key - 1;
        while (j < n && is_json_space(s[j])) j++;
        if (j >= n || s[j] != ':') continue;
        j++;
        while (j < n && is_json_space(s[j])) j++;
        if (j >= n || s[j] != '"') continue;
        size_t start = ++j;
        while (j < n && s[j] != '"' && s[j] != '\0' && j - start < 21) j++;
        size_t len = j - start;
        if (j < n && s[j] == '"' && len >= 1 && len <= 20 && len < size) {
            memcpy(out, s + start, len);
            out[len] = '\0';
            return;
        }
    }
}

/* The CNI error result on stdout, as CniClient.error writes it, and exit 1. */
static void fail(int code, const char *details, const char *fmt, ...) {
    char msg[2048];
    char version[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cni_version(version, sizeof version);
    /* Not a struct buf: this may be the report that one could not grow. */
    static unsigned char space[32768]; /* the longest msg and details, each character escaped */
    struct buf json = {space, 0, sizeof space};
    char head[64];
    buf_str(&json, "{\"cniVersion\":\"");
    buf_json(&json, version);
    snprintf(head, sizeof head, "\",\"code\":%d,\"msg\":\"", code);
    buf_str(&json, head);
    buf_json(&json, msg);
    buf_str(&json, "\"");
    if (details != NULL) {
        buf_str(&json, ",\"details\":\"");
        buf_json(&json, details);
        buf_str(&json, "\"");
    }
    buf_str(&json, "}\n");
    write_all(STDOUT_FILENO, json.data, json.len);
    exit(1);
}

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* TABBY_CNI_TIMEOUT as CniClient reads it (Integer.parseInt of the trimmed value); 0 when it is not a number. */
static long timeout_seconds(const char *raw) {
    if (raw == NULL) {
        return DEFAULT_TIMEOUT_SECONDS;
    }
    const char *s = raw;
    const char *e = raw + strlen(raw);
    while (s < e && (unsigned char)*s <= ' ') s++;
    while (e > s && (unsigned char)e[-1] <= ' ') e--;
    if (s == e) {
        return DEFAULT_TIMEOUT_SECONDS; /* unset or blank */
    }
    int negative = 0;
    if (*s == '+' || *s == '-') {
        negative = *s == '-';
        s++;
    }
    if (s == e) {
        return 0;
    }
    long long v = 0;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
        v = v * 10 + (*s - '0');
        if (v > (long long)INT_MAX + 1) {
            return 0; /* beyond an int: Integer.parseInt refuses it */
        }
    }
    if (negative || v > INT_MAX) {
        return 0;
    }
    return (long)v;
}

static int starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* By name ("NAME=value" up to the '='), as the TreeMap CniClient sends orders its keys. */
static int compare_env(const void *a, const void *b) {
    const unsigned char *x = *(const unsigned char *const *)a;
    const unsigned char *y = *(const unsigned char *const *)b;
    for (;; x++, y++) {
        int cx = *x == '=' ? 0 : *x;
        int cy = *y == '=' ? 0 : *y;
        if (cx != cy || cx == 0) {
            return cx - cy;
        }
    }
}

/* The request frame: plugin, the CNI_* and TABBY_* variables (sorted by name, as CniClient's TreeMap), stdin. */
static void request_frame(struct buf *out, const char *plugin) {
    size_t n = 0;
    for (char **e = environ; *e; e++) n++;
    const char **vars = calloc(n + 1, sizeof *vars);
    if (vars == NULL) {
        fail(11, NULL, "the Tabby CNI launcher ran out of memory (%zu variables)", n);
    }
    size_t k = 0;
    for (char **e = environ; *e; e++) {
        if ((starts_with(*e, "CNI_") || starts_with(*e, "TABBY_")) && strchr(*e, '=') != NULL) {
            vars[k++] = *e;
        }
    }
    qsort(vars, k, sizeof *vars, compare_env);
    buf_u32(out, FRAME_MAGIC);
    buf_u32(out, FRAME_VERSION);
    buf_field(out, plugin, strlen(plugin));
    size_t count_at = out->len;
    buf_u32(out, 0);
    uint32_t count = 0;
    const char *last = NULL;
    size_t last_len = 0;
    for (size_t i = 0; i < k; i++) {
        const char *eq = strchr(vars[i], '=');
        size_t name_len = (size_t)(eq - vars[i]);
        /* A name twice in the environment is one map entry in Java: sent once. */
        if (last != NULL && name_len == last_len && memcmp(vars[i], last, name_len) == 0) {
            continue;
        }
        last = vars[i];
        last_len = name_len;
        buf_field(out, vars[i], name_len);
        buf_field(out, eq + 1, strlen(eq + 1));
        count++;
    }
    out->data[count_at] = (unsigned char)(count >> 24);
    out->data[count_at + 1] = (unsigned char)(count >> 16);
    out->data[count_at + 2] = (unsigned char)(count >> 8);
    out->data[count_at + 3] = (unsigned char)count;
    buf_field(out, stdin_bytes.data, stdin_bytes.len);
    free(vars);
}

static void read_stdin(void) {
    for (;;) {
        buf_reserve(&stdin_bytes, 64 * 1024);
        ssize_t r = read(STDIN_FILENO, stdin_bytes.data + stdin_bytes.len, stdin_bytes.cap - stdin_bytes.len);
        if (r == 0) {
            return;
        }
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            int err = errno;
            fail(11, strerror(err), "cannot read the network configuration from stdin");
        }
        stdin_bytes.len += (size_t)r;
        if (stdin_bytes.len > MAX_FIELD) {
            fail(11, NULL, "the network configuration on stdin is over %u bytes, more than the Tabby CNI daemon takes;"
                 " check what the runtime passes", MAX_FIELD);
        }
    }
}

/* The directory of this program's file (symlinks resolved: tabby and tabby-ipam point at tabby-cni). */
static int own_dir(char *out, size_t size) {
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    if (n <= 0) {
        return -1;
    }
    out[n] = '\0';
    char *slash = strrchr(out, '/');
    if (slash == NULL) {
        return -1;
    }
    *slash = '\0';
    return 0;
}

/*
 * The Java client, which runs the plugin in-process, when no daemon listens. The sidecar file, written by
 * cni_install, holds one "KEY VALUE" a line:
 *   java PATH            the java to exec
 *   cds JSA JAR          -XX:SharedArchiveFile=JSA when JSA is newer than JAR (an archive is valid only for the jar
 *                        it was recorded from; a rebuilt jar makes the JVM ignore it, with a warning)
 *   arg ARGUMENT         the next argument (JVM flags, -cp, the classpath, the main class), in order
 * The plugin name comes last. stdin, already read, is handed over in a memory file.
 */
static void exec_fallback(const char *socket_path, const char *plugin, const char *why) {
    char dir[PATH_MAX];
    char file[PATH_MAX + 64];
    if (own_dir(dir, sizeof dir) != 0) {
        int err = errno;
        fail(11, why, "the Tabby CNI daemon is not listening at %s and this launcher cannot find its own directory"
             " to run the plugin in-process (/proc/self/exe: %s); start the daemon or reinstall the launchers"
             " (bin/tabby cni install)", socket_path, strerror(err));
    }
    snprintf(file, sizeof file, "%s/%s", dir, FALLBACK_FILE);
    FILE *f = fopen(file, "r");
    if (f == NULL) {
        int err = errno;
        fail(11, why, "the Tabby CNI daemon is not listening at %s and this launcher cannot run the plugin in-process"
             " (%s: %s); start the daemon or reinstall the launchers (bin/tabby cni install)", socket_path, file,
             strerror(err));
    }
    static char *argv[MAX_FALLBACK_ARGS + 3];
    static char cds_arg[PATH_MAX + 32];
    int argc = 1;
    char *java = NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') {
            line[--len] = '\0';
        }
        char *value = strchr(line, ' ');
        if (line[0] == '#' || value == NULL) {
            continue;
        }
        *value++ = '\0';
        if (argc >= MAX_FALLBACK_ARGS) {
            fail(11, why, "%s has more than %d arguments; reinstall the launchers (bin/tabby cni install)", file,
                 MAX_FALLBACK_ARGS);
        }
        if (strcmp(line, "java") == 0) {
            java = strdup(value);
        } else if (strcmp(line, "arg") == 0) {
            argv[argc++] = strdup(value);
        } else if (strcmp(line, "cds") == 0) {
            char *jar = strchr(value, ' ');
            struct stat js, cs;
            if (jar != NULL) {
                *jar++ = '\0';
                if (stat(value, &js) == 0 && stat(jar, &cs) == 0
                    && (js.st_mtim.tv_sec > cs.st_mtim.tv_sec
                        || (js.st_mtim.tv_sec == cs.st_mtim.tv_sec && js.st_mtim.tv_nsec > cs.st_mtim.tv_nsec))) {
                    snprintf(cds_arg, sizeof cds_arg, "-XX:SharedArchiveFile=%s", value);
                    argv[argc++] = cds_arg;
                }
            }
        }
    }
    fclose(f);
    if (java == NULL || argc == 1) {
        fail(11, why, "the Tabby CNI daemon is not listening at %s and %s names no java to run the plugin"
             " in-process; reinstall the launchers (bin/tabby cni install)", socket_path, file);
    }
    argv[0] = java;
    argv[argc++] = (char *)plugin;
    argv[argc] = NULL;

    int mem = memfd_create("tabby-cni-stdin", 0);
    if (mem < 0 || write_all(mem, stdin_bytes.data ? stdin_bytes.data : (const unsigned char *)"", stdin_bytes.len) != 0
        || lseek(mem, 0, SEEK_SET) != 0 || dup2(mem, STDIN_FILENO) < 0) {
        int err = errno;
        fail(11, why, "the Tabby CNI daemon is not listening at %s and this launcher cannot hand stdin to the"
             " in-process plugin (%s); start the daemon", socket_path, strerror(err));
    }
    if (mem != STDIN_FILENO) {
        close(mem);
    }
    signal(SIGPIPE, SIG_DFL);
    /* A bare name ("java", as the cni image installs for the host's) is looked up on the runtime's PATH. */
    execvp(java, argv);
    int err = errno;
    fail(11, why, "the Tabby CNI daemon is not listening at %s and this launcher cannot run the plugin in-process"
         " (exec %s: %s); start the daemon, or install Java 17 there and reinstall the launchers", socket_path, java,
         strerror(err));
}

/* Waits for fd to be ready for events until deadline; 0 when ready, -1 at the deadline. */
static int wait_for(int fd, short events, int64_t deadline) {
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            return -1;
        }
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (r > 0) {
            return 0;
        }
        if (r < 0 && errno != EINTR) {
            return 0; /* the read or write that follows reports it */
        }
    }
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The program's plugin: an argument, else its name (tabby is tabby-cni's alias), else tabby-cni as CniClient's. */
static const char *plugin_name(int argc, char **argv) {
    if (argc > 1) {
        return argv[1];
    }
    if (argc < 1 || argv[0] == NULL) {
        return "tabby-cni";
    }
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    return strcmp(base, "tabby-ipam") == 0 ? "tabby-ipam" : "tabby-cni";
}

int main(int argc, char **argv) {
    const char *plugin = plugin_name(argc, argv);
    /* A daemon gone mid-call is an EPIPE to report, not a silent death. */
    signal(SIGPIPE, SIG_IGN);
    read_stdin();

    const char *raw_timeout = getenv(TIMEOUT_VAR);
    long timeout = timeout_seconds(raw_timeout);
    if (timeout <= 0) {
        fail(4, NULL, "%s=%s is not a number of seconds; set it to e.g. %d or unset it", TIMEOUT_VAR, raw_timeout,
             DEFAULT_TIMEOUT_SECONDS);
    }
    const char *socket_path = getenv(SOCKET_VAR);
    int blank = 1;
    for (const char *c = socket_path; c != NULL && *c; c++) {
        if (!is_json_space(*c) && (unsigned char)*c > ' ') blank = 0;
    }
    if (socket_path == NULL || blank) {
        socket_path = DEFAULT_SOCKET;
    }

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail(11, strerror(errno), "cannot open a Unix socket to reach the Tabby CNI daemon");
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    char why[512];
    if (strlen(socket_path) >= sizeof addr.sun_path) {
        /* The Java client cannot reach it either, and runs the plugin in-process, as it always did. */
        snprintf(why, sizeof why, "connect: the socket path is longer than %zu bytes", sizeof addr.sun_path - 1);
        close(fd);
        exec_fallback(socket_path, plugin, why);
    }
    memcpy(addr.sun_path, socket_path, strlen(socket_path) + 1);
    /* A blocking Unix connect waits while the daemon's backlog is full: SO_SNDTIMEO bounds that wait (EAGAIN). */
    struct timeval connect_timeout = {CONNECT_TIMEOUT_SECONDS, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &connect_timeout, sizeof connect_timeout);
    int64_t connect_deadline = now_ms() + CONNECT_TIMEOUT_SECONDS * 1000;
    while (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        int err = errno;
        if (err == EINTR && now_ms() < connect_deadline) {
            continue;
        }
        snprintf(why, sizeof why, "connect: %s", strerror(err));
        if (err == EAGAIN || err == EINTR || err == ETIMEDOUT) {
            fail(11, why, "the Tabby CNI daemon at %s did not accept the connection within %d s; it may be hung or"
                 " overloaded: check its log, restart it, and retry", socket_path, CONNECT_TIMEOUT_SECONDS);
        }
        /* Nothing listens (ENOENT, ECONNREFUSED) or this user cannot reach it: as CniClient, the plugin runs
           in-process, in the Java client. */
        close(fd);
        exec_fallback(socket_path, plugin, why);
    }
    int64_t deadline = now_ms() + (int64_t)timeout * 1000;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    struct buf request = {0};
    request_frame(&request, plugin);
    char details[256];
    const char *closed_msg = "the Tabby CNI daemon at %s closed the connection before replying; check its log and retry";
    size_t sent = 0;
    while (sent < request.len) {
        if (wait_for(fd, POLLOUT, deadline) != 0) {
            goto timed_out;
        }
        ssize_t w = send(fd, request.data + sent, request.len - sent, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            snprintf(details, sizeof details, "write: %s", strerror(errno));
            fail(11, details, closed_msg, socket_path);
        }
        sent += (size_t)w;
    }
    shutdown(fd, SHUT_WR);

    /* The reply: magic | u32 exit code | u32 n, stdout | u32 n, stderr. Read exactly that much, as Frames does. */
    struct buf reply = {0};
    size_t need = 4;
    size_t out_len = 0, err_len = 0;
    /* Each field checked as soon as it is in, as Frames.readReply does. 0: the magic, 1: the exit code and stdout's
       length, 2: stdout and stderr's length, 3: stderr, 4: done. */
    int stage = 0;
    for (;;) {
        while (stage < 4 && reply.len >= need) {
            if (stage == 0) {
                uint32_t magic = get_u32(reply.data);
                if (magic != FRAME_MAGIC) {
                    snprintf(details, sizeof details, "not a Tabby CNI frame (magic 0x%08x)", magic);
                    fail(11, details, closed_msg, socket_path);
                }
                need = 12;
                stage = 1;
            } else if (stage == 1) {
                out_len = get_u32(reply.data + 8);
                if (out_len > MAX_FIELD) {
                    snprintf(details, sizeof details, "frame field of %d bytes", (int32_t)out_len);
                    fail(11, details, closed_msg, socket_path);
                }
                need = 12 + out_len + 4;
                stage = 2;
            } else if (stage == 2) {
                err_len = get_u32(reply.data + 12 + out_len);
                if (err_len > MAX_FIELD) {
                    snprintf(details, sizeof details, "frame field of %d bytes", (int32_t)err_len);
                    fail(11, details, closed_msg, socket_path);
                }
                need = 12 + out_len + 4 + err_len;
                stage = 3;
            } else {
                stage = 4;
            }
        }
        if (stage == 4) {
            break;
        }
        if (wait_for(fd, POLLIN, deadline) != 0) {
            goto timed_out;
        }
        buf_reserve(&reply, need - reply.len);
        ssize_t r = read(fd, reply.data + reply.len, need - reply.len);
        if (r == 0) {
            snprintf(details, sizeof details, "end of stream after %zu of the reply's bytes", reply.len);
            fail(11, details, closed_msg, socket_path);
        }
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            snprintf(details, sizeof details, "read: %s", strerror(errno));
            fail(11, details, closed_msg, socket_path);
        }
        reply.len += (size_t)r;
    }
    close(fd);
    int exit_code = (int32_t)get_u32(reply.data + 4);
    write_all(STDOUT_FILENO, reply.data + 12, out_len);
    write_all(STDERR_FILENO, reply.data + 12 + out_len + 4, err_len);
    return exit_code & 0xff;

timed_out:
    /* The daemon may still do the work later; an ADD repeated by the runtime, or its DEL, is safe. */
    snprintf(details, sizeof details, "no reply in %ld s", timeout);
    fail(11, details, "the Tabby CNI daemon at %s did not reply within %ld s (%s); it may be hung or overloaded: check"
         " its log, restart it, or raise %s", socket_path, timeout, TIMEOUT_VAR, TIMEOUT_VAR);
}
