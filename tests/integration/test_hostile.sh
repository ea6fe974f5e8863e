#!/usr/bin/env bash
# searchd against hostile clients, on the real index: oversized and
# pathological queries (long, thousands of terms, deep parentheses,
# wildcards), windows out of range, slow and half-open connections, more
# connections than allowed and paths naming files. Each gets a clear 4xx,
# a capped answer or a closed connection in bounded time, while other
# clients are served. Also: the index is opened read-only, and searchd
# listens on loopback unless told otherwise.
# Usage: test_hostile.sh BUILD_DIR REAL_INDEX
. "$(dirname "$0")/lib.sh"
bin=$1
real=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
export PWC_CONFIG=/dev/null
# Seconds one hostile request may take, sanitizer builds included.
bound=5
# The test config's connection_timeout_s.
timeout_s=2

# get PATH [CURL ARGS...]: prints "STATUS SECONDS"; the body is in $scratch/r.
get() {
    local path=$1
    shift
    curl -gs --max-time 30 -o "$scratch/r" -w '%{http_code} %{time_total}' \
        "$@" "$base$path"
}
# py EXPR: prints the value of a Python expression.
py() {
    python3 -c "print($1)"
}
# expect_true EXPR DESCRIPTION: a Python expression is true.
expect_true() {
    expect_eq "$(py "$1")" True "$2"
}
# expect_fast STATUS PATH DESCRIPTION [CURL ARGS...]: that status, in time.
expect_fast() {
    local want=$1 path=$2 what=$3 got
    shift 3
    got=$(get "$path" "$@")
    expect_eq "${got% *}" "$want" "$what: status"
    expect_true "${got#* } < $bound" "$what: answered in ${got#* }s"
}
# jq_r EXPR: a Python expression on the last reply d.
jq_r() {
    python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
print($1)" "$scratch/r"
}
# repeat TEXT N SEP: TEXT N times joined by SEP.
repeat() {
    python3 -c "import sys; a = sys.argv
print(a[3].join([a[1]] * int(a[2])))" "$1" "$2" "$3"
}

cat >"$scratch/hostile.conf" <<C
connection_timeout_s = $timeout_s
max_connections = 8
http_threads = 2
max_query_bytes = 2048
max_query_terms = 64
max_wildcard_expansion = 100
C
sed 's/^max_wildcard_expansion = .*/max_wildcard_expansion = 2/' \
    "$scratch/hostile.conf" >"$scratch/narrow.conf"
start_searchd narrow --config "$scratch/narrow.conf" --index "$real"
narrow=$base
narrow_pid=$last_pid
start_searchd h --config "$scratch/hostile.conf" --index "$real"
h_pid=$last_pid
h=$base
expect_fast 200 '/health' "daemon up"

# ---- long queries ---------------------------------------------------------
expect_fast 200 "/search?q=$(repeat a 2048 '')" "q of max_query_bytes"
expect_fast 414 "/search?q=$(repeat a 2049 '')" "q one byte too long"
expect_eq "$(jq_r 'd["error"]["param"]')" q "414 names q"
expect_fast 414 "/search?q=$(repeat %C3%A9 1025 '')" \
    "q too long once decoded"
expect_fast 414 "/suggest?q=$(repeat a 2049 '')" "suggest q too long"
expect_fast 414 "/search?q=$(repeat a 100000 '')" "100 KB URL"
# raw BYTES-EXPR: sends a request made by a Python expression; prints the
# status (or "closed") and the seconds it took.
raw() {
    python3 - "${base#http://}" "$1" <<'P'
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
req = eval(sys.argv[2])
t0 = time.time()
s = socket.create_connection((host, int(port)))
s.settimeout(30)
try:
    s.sendall(req)
except OSError:
    pass
try:
    data = s.recv(100)
except OSError:
    data = b""
status = data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "closed"
print(status, round(time.time() - t0, 3))
P
}
got=$(raw 'b"GET /search?q=" + b"a" * 1000000 + b" HTTP/1.1\r\n\r\n"')
case ${got% *} in 414 | closed) ok ;; *) fail "1 MB URL: ${got% *}" ;; esac
expect_true "${got#* } < $bound" "1 MB URL: refused in ${got#* }s"
headers='b"".join(b"X-%d: %s\r\n" % (i, b"b" * 90) for i in range(2000))'
got=$(raw "b'GET /health HTTP/1.1\r\n' + $headers + b'\r\n'")
case ${got% *} in 431 | closed) ok ;; *) fail "big headers: ${got% *}" ;; esac
expect_true "${got#* } < $bound" "200 KB of headers: refused in ${got#* }s"

# ---- thousands of terms ------------------------------------------------------
words=$(py '"+".join("w%d" % i for i in range(1, 401))')
expect_fast 200 "/search?q=$words&limit=0" "400 words"
expect_eq "$(jq_r '"w64@" in d["understood"]
and "w65@" not in d["understood"]')" True "words kept up to max_query_terms"
expect_fast 200 "/search?q=$(repeat a 1000 +)" "1000 times the same word"
common="learning-network-deep-model-neural-data-based-method-image-training"
expect_fast 200 "/search?q=$(repeat "$common" 30 - | cut -c1-2040)" \
    "a word of 300 hyphenated parts"
phrase=$(repeat "$common" 25 + | tr - + | cut -c1-2000)
expect_fast 200 "/search?q=%22$phrase%22" "a quoted phrase of 250 words"
words=$(repeat "$common" 30 + | cut -c1-2040)
expect_fast 200 "/search?q=$words&facets=1&limit=100&sort=stars" \
    "300 common words, facets, 100 hits"
expect_fast 200 "/suggest?q=$(repeat graph 400 + | cut -c1-2040)" \
    "suggest with 400 words"

# ---- deep parentheses -------------------------------------------------
expect_fast 200 "/search?q=$(repeat '(' 2048 '')" "2048 open parentheses"
expect_fast 200 "/search?q=$(repeat '(' 1000 '')graph$(repeat ')' 1000 '')" \
    "graph in 1000 parentheses"
expect_fast 200 "/search?q=$(repeat ')' 2048 '')" "2048 closing parentheses"
expect_fast 200 "/search?q=$(repeat '(a+OR+(b+AND+' 140 '')" \
    "140 nested boolean groups"
expect_fast 200 "/search?q=$(repeat 'NOT+' 500 '')" "500 NOTs"

# ---- wildcards --------------------------------------------------------
expect_fast 200 '/search?q=a*&limit=0' "a*"
wide=$(jq_r 'd["total"]["estimated"]')
base=$narrow
expect_fast 200 '/search?q=a*&limit=0' "a* (expansion 2)"
narrowed=$(jq_r 'd["total"]["estimated"]')
base=$h
expect_true "0 < $narrowed < $wide" \
    "max_wildcard_expansion caps a* ($narrowed < $wide hits)"
expect_fast 200 '/search?q=*' "a lone *"
expect_fast 200 "/search?q=$(repeat '*' 2048 '')" "2048 stars"
letters=abcdefghijklmnopqrstuvwxyz
wild=$(py "'+'.join(a + b + '*' for a in '$letters' for b in 'aeiou')[:320]")
expect_fast 200 "/search?q=$wild" "64 two-letter wildcards"
wild=$(py "'+OR+'.join(c + '*' for c in '$letters' * 2)")
expect_fast 200 "/search?q=$wild" "52 one-letter wildcards ORed"
expect_fast 200 "/search?q=title%3Aa*+author%3Ab*+task%3Ac*+readme%3Ad*" \
    "wildcards in fields"

# ---- windows ----------------------------------------------------------
expect_fast 400 '/search?q=graph&limit=101' "limit over max_limit"
expect_fast 400 '/search?q=graph&limit=99999999999999999999' "limit overflow"
expect_fast 400 '/search?q=graph&offset=10001' "offset over max_offset"
expect_fast 400 '/search?q=graph&offset=18446744073709551617' \
    "offset overflow"
expect_fast 400 '/search?q=graph&page=1000000&limit=100' "page too deep"
expect_fast 400 '/search?q=graph&snippet=100000' "snippet too long"
expect_fast 400 '/suggest?q=graph&limit=1000' "suggest limit"
expect_fast 200 '/search?q=graph&limit=100&offset=10000' "deepest page"
expect_fast 200 '/search?q=&limit=100&facets=1&snippet=1000&sort=stars' \
    "the heaviest legal reply"
expect_eq "$(jq_r 'len(d["hits"])')" 100 "limit=100 gives 100 hits"
expect_fast 400 "/search?$(py '"&".join("k%d=1" % i for i in range(65))')" \
    "65 parameters"

# ---- slow, half-open and surplus connections ---------------------------------
# Runs the slow clients side by side while a polling client measures how
# fast others are served, then fills every connection slot. Prints one
# "name value" line per measure.
cat >"$scratch/conns.py" <<'P'
import socket, sys, threading, time
host, port = sys.argv[1].rsplit(":", 1)
port, timeout_s, cap = int(port), float(sys.argv[2]), int(sys.argv[3])
out = {}

def closed_after(first, drip=None, every=0.3, limit=20.0):
    """Seconds until the server closes a connection that sends first,
    then drip (if any) every few tenths of a second."""
    s = socket.create_connection((host, port))
    t0 = time.time()
    s.sendall(first)
    s.settimeout(every)
    while time.time() - t0 < limit:
        try:
            if s.recv(65536) == b"":
                return time.time() - t0
        except socket.timeout:
            pass
        except OSError:
            return time.time() - t0
        if drip:
            try:
                s.sendall(drip)
            except OSError:
                return time.time() - t0
    return -1

def request(path):
    s = socket.create_connection((host, port))
    s.settimeout(20)
    s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n"
              b"Connection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.split(b" ", 2)[1].decode() if data else "closed"

def run(name, *args):
    out[name] = closed_after(*args)

def keep_alive(seconds):
    """Requests answered on one connection used all along."""
    s = socket.create_connection((host, port))
    s.settimeout(5)
    f = s.makefile("rb")
    t0, answered = time.time(), 0
    try:
        while time.time() - t0 < seconds:
            s.sendall(b"GET /search?q=graph&limit=1 HTTP/1.1\r\n\r\n")
            status = f.readline().split(b" ")[1]
            length = 0
            while True:
                line = f.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            f.read(length)
            answered += status == b"200"
            time.sleep(0.3)
    except (OSError, IndexError):
        pass
    out["keep_alive"] = answered
    out["keep_alive_seconds"] = round(time.time() - t0, 2)

slow = [
    ("drip_line", b"GET /search?q=", b"a"),
    ("drip_headers", b"GET /health HTTP/1.1\r\nHost: x\r\n", b"X-A: b\r\n"),
    ("idle", b""),
    ("half_line", b"GET /search?q=gr"),
    ("half_headers", b"GET /health HTTP/1.1\r\nHost: x\r\n"),
]
threads = [threading.Thread(target=run, args=a) for a in slow]
threads.append(threading.Thread(target=keep_alive, args=(2.5 * timeout_s,)))
for t in threads:
    t.start()
worst, statuses = 0.0, set()
t0 = time.time()
while any(t.is_alive() for t in threads):
    t1 = time.time()
    statuses.add(request(b"/search?q=graph&limit=3"))
    worst = max(worst, time.time() - t1)
    time.sleep(0.1)
for t in threads:
    t.join()
for name in [a[0] for a in slow]:
    print(name, round(out[name], 2))
print("keep_alive", out["keep_alive"], out["keep_alive_seconds"])
print("others_worst", round(worst, 2))
print("others_status", ",".join(sorted(statuses)))

# Every slot taken by an idle client: a new one waits for a free slot.
held = [socket.create_connection((host, port)) for _ in range(cap)]
time.sleep(0.3)
t0 = time.time()
s = socket.create_connection((host, port))
s.settimeout(1.0)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
try:
    early = s.recv(100)
    print("over_cap_early", "answered" if early else "closed")
except socket.timeout:
    print("over_cap_early", "waiting")
    s.settimeout(20)
    line = s.recv(100).split(b"\r\n")[0].decode()
    print("over_cap_status", line.replace(" ", "_"))
print("over_cap_after", round(time.time() - t0, 2))
for c in held:
    c.settimeout(20)
    try:
        c.recv(1)
    except OSError:
        pass
    c.close()

# Many clients at once, over the cap: all answered, none refused.
results = []
def one():
    results.append(request(b"/search?q=neural+networks&limit=5"))
many = [threading.Thread(target=one) for _ in range(60)]
t0 = time.time()
for t in many:
    t.start()
for t in many:
    t.join()
print("many_ok", sum(r == "200" for r in results))
print("many_seconds", round(time.time() - t0, 2))
P
python3 "$scratch/conns.py" "${base#http://}" "$timeout_s" 8 >"$scratch/conns"
cat "$scratch/conns"
measure() { sed -n "s/^$1 //p" "$scratch/conns"; }
# Cut after the timeout, give or take the deadline thread's quarter period.
for c in drip_line drip_headers idle half_line half_headers; do
    v=$(measure "$c")
    expect_true "$timeout_s - 0.2 <= ${v:-0} <= $timeout_s * 1.25 + 1" \
        "$c cut after the timeout (${v}s)"
done
ka=$(measure keep_alive)
expect_true "${ka% *} >= 2 * $timeout_s and ${ka#* } >= 2.5 * $timeout_s" \
    "a busy keep-alive connection is not cut (${ka% *} answers in ${ka#* }s)"
expect_true "$(measure others_worst) < 1" \
    "others served meanwhile ($(measure others_worst)s at worst)"
expect_eq "$(measure others_status)" 200 "others answered 200"
expect_eq "$(measure over_cap_early)" waiting \
    "a client over max_connections waits"
after=$(measure over_cap_after)
expect_eq "$(measure over_cap_status)" HTTP/1.1_200_OK \
    "and is served once a slot is free"
expect_true "${after:-99} <= $timeout_s * 1.25 + 1" \
    "within the timeout (${after}s)"
expect_eq "$(measure many_ok)" 60 "60 clients at once all answered"
expect_grep 'event=connection_cut reason=deadline' "$scratch/h.err" \
    "cuts logged"

# ---- no file is read for a client --------------------------------------
canary=$scratch/canary.txt
echo "canary-$$-$RANDOM" >"$canary"
for path in '/papers/../../../../etc/passwd' \
    '/papers/..%2F..%2F..%2F..%2Fetc%2Fpasswd' \
    '/papers/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd' \
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd' '/../../../../etc/passwd' \
    '/papers//etc/passwd' "/papers/$canary" "/papers/file://$canary" \
    "/papers/$real/CURRENT" "/search/../papers/$canary" \
    '/search?q=../../../../etc/passwd' "/search?q=$canary" \
    "/suggest?q=$canary" "/health?file=$canary" "/metrics/../$canary"; do
    s=$(get "$path" --path-as-is)
    case ${s% *} in 200 | 400 | 404) ok ;; *) fail "$path: ${s% *}" ;; esac
    expect_no_grep "root:|$(cat "$canary")|gen-0" "$scratch/r" \
        "no file content for $path"
done
# With strace, prove searchd opens no file while answering them.
if strace -f -o /dev/null true 2>/dev/null; then
    start_searchd files --config "$scratch/hostile.conf" --index "$real"
    get '/search?q=graph' >/dev/null # searchers open the index first
    strace -f -qq -e trace=open,openat,openat2,stat,newfstatat,readlink \
        -p "$last_pid" -o "$scratch/strace" &
    tracer=$!
    sleep 1
    for path in '/papers/..%2F..%2F..%2F..%2Fetc%2Fpasswd' \
        "/papers/$canary" "/papers/$real/CURRENT" \
        '/%2e%2e/%2e%2e/etc/passwd' "/search?q=$canary"; do
        get "$path" --path-as-is >/dev/null
    done
    sleep 0.5
    kill "$tracer"
    wait "$tracer" 2>/dev/null
    expect_no_grep 'passwd|canary' "$scratch/strace" \
        "no file opened for a client's path"
    kill -TERM "$last_pid"
    wait "$last_pid"
else
    echo "strace cannot trace here: open() check skipped"
fi

# ---- the index is opened read-only -------------------------------------
fds=0
writable=0
for fd in /proc/"$h_pid"/fd/*; do
    target=$(readlink "$fd") || continue
    case $target in "$(cd "$real" && pwd -P)"/*)
        fds=$((fds + 1))
        flags=$(sed -n 's/^flags:\t*//p' "/proc/$h_pid/fdinfo/${fd##*/}")
        if [ $((8#$flags & 3)) -ne 0 ]; then
            writable=$((writable + 1))
            echo "  writable: $target" >&2
        fi
        ;;
    esac
done
expect_true "$fds > 0" "index files open ($fds)"
expect_eq "$writable" 0 "no index file open for writing"

# ---- loopback by default ------------------------------------------------
# listen_addr PORT: the local address of the listening socket on PORT.
listen_addr() {
    python3 - "$1" <<'P'
import socket, struct, sys
port = int(sys.argv[1])
for line in open("/proc/net/tcp").read().splitlines()[1:]:
    f = line.split()
    addr, p = f[1].split(":")
    if int(p, 16) == port and f[3] == "0A":
        print(socket.inet_ntoa(struct.pack("<I", int(addr, 16))))
P
}
for cfg in /dev/null "$src/config/pwc-search.conf"; do
    start_searchd dflt --config "$cfg" --index "$real"
    port=${base##*:}
    expect_grep '^listening on 127\.0\.0\.1:' "$scratch/dflt.out" \
        "listens on 127.0.0.1 ($cfg)"
    expect_eq "$(listen_addr "$port")" 127.0.0.1 "bound to loopback ($cfg)"
    kill -TERM "$last_pid"
    wait "$last_pid"
done

# ---- still serving, bounded memory, clean stop ----------------------------
base=$h
expect_fast 200 '/search?q=graph+networks' "still serving"
rss=$(sed -n 's/^VmHWM:[\t ]*\([0-9]*\) kB/\1/p' "/proc/$h_pid/status")
echo "searchd peak memory: $((rss / 1024)) MB"
expect_true "$rss < 2 * 1024 * 1024" \
    "peak memory under 2 GB ($((rss / 1024)) MB)"
kill -TERM "$h_pid"
wait "$h_pid"
expect_eq "$?" 0 "SIGTERM exits 0"
kill -TERM "$narrow_pid"
wait "$narrow_pid"
finish
