# Shared helpers for scripts/bench and scripts/bench-balancers (sourced, not run; needs scripts/lib.sh first).
#
# Every process a benchmark starts goes through bench_start, which records its pid; bench_stop_all (run by the
# EXIT trap bench_init sets) stops exactly those pids: TERM, then KILL after 5 s, children included (an nginx
# master's workers). Nothing here binds anything but 127.0.0.1.

BENCH_PIDS=()
BENCH_NAMES=()

# bench_init NAME: a fresh run directory tmp/bench/NAME.XXXXXX (in $BENCH_RUN) and the cleanup trap.
bench_init() {
  mkdir -p tmp/bench
  BENCH_RUN=$(mktemp -d "$PWD/tmp/bench/$1.XXXXXX")
  mkdir -p "$BENCH_RUN/log"
  trap 'bench_stop_all' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# bench_require_tools COMMAND...: installs the Debian packages of missing commands with apt-get when root,
# otherwise says what to run and fails.
bench_require_tools() {
  local missing=() command package
  for command in "$@"; do
    command -v "$command" >/dev/null 2>&1 && continue
    case $command in
      taskset) package=util-linux ;;
      python3) package=python3 ;;
      *) package=$command ;;
    esac
    missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${missing[*]} (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "The benchmarks need: ${missing[*]}" >&2
    echo "On Debian/Ubuntu run:  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

# bench_build BUILD PRODUCT...: builds the products in release when BUILD is 1; sets BENCH_BIN.
bench_build() {
  local build=$1 product
  shift
  sluice_require_swift
  sluice_require_build_packages
  if [ "$build" = 1 ]; then
    local log
    log=$(mktemp)
    for product in "$@"; do
      echo "== building $product (release; the first build takes a few minutes)"
      if ! swift build "${SLUICE_RELEASE_FLAGS[@]}" --product "$product" >"$log" 2>&1; then
        grep -Ev '^\[[0-9]+/[0-9]+\]' "$log" >&2
        rm -f "$log"
        echo "bench: building $product failed" >&2
        return 1
      fi
    done
    rm -f "$log"
  fi
  BENCH_BIN=$(swift build "${SLUICE_RELEASE_FLAGS[@]}" --show-bin-path)
  for product in "$@"; do
    [ -x "$BENCH_BIN/$product" ] || { echo "bench: $BENCH_BIN/$product is missing (run without --no-build)" >&2; return 1; }
  done
}

# bench_free_ports N: N distinct free TCP ports on 127.0.0.1, space-separated (held open together, then
# released, so they are distinct; another program could still take one before we bind it).
bench_free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
sockets = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    sockets.append(s)
print(" ".join(str(s.getsockname()[1]) for s in sockets))
for s in sockets:
    s.close()
PY
}

# bench_start NAME COMMAND...: runs COMMAND in the background, output in $BENCH_RUN/log/NAME.log; the pid is in
# $BENCH_LAST_PID and recorded for bench_stop_all.
bench_start() {
  local name=$1
  shift
  "$@" >"$BENCH_RUN/log/$name.log" 2>&1 &
  BENCH_LAST_PID=$!
  BENCH_PIDS+=("$BENCH_LAST_PID")
  BENCH_NAMES+=("$name")
}

# bench_wait_port PORT PID [SECONDS]: waits until 127.0.0.1:PORT accepts connections; fails if PID exits first.
bench_wait_port() {
  local port=$1 pid=$2 tries=$((${3:-10} * 20))
  while [ "$tries" -gt 0 ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
    tries=$((tries - 1))
  done
  return 1
}

# bench_stop PID: TERM (and CONT, for a process held with SIGSTOP), wait up to 5 s, then KILL it and the children
# it had.
bench_stop() {
  local pid=$1 children
  kill -0 "$pid" 2>/dev/null || return 0
  children=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -d ' ' || true)
  kill -TERM "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    local child
    for child in $children; do kill -KILL "$child" 2>/dev/null || true; done
  fi
  wait "$pid" 2>/dev/null || true
}

bench_stop_all() {
  local index
  for index in "${!BENCH_PIDS[@]}"; do
    bench_stop "${BENCH_PIDS[$index]}"
  done
  BENCH_PIDS=()
  BENCH_NAMES=()
}

# bench_fail MESSAGE: says what went wrong, shows the tail of every log of this run, exits.
bench_fail() {
  echo "bench: $*" >&2
  local log
  for log in "$BENCH_RUN"/log/*.log; do
    [ -s "$log" ] || continue
    echo "--- $log" >&2
    tail -5 "$log" >&2
  done
  exit 1
}

# bench_nginx_common DIR: the nginx lines every instance needs to run unprivileged from DIR (pid, logs, temp
# paths), plus `user` when we are root so workers can read files under the repository.
bench_nginx_common() {
  local dir=$1
  mkdir -p "$dir/temp"
  if [ "$(id -u)" = 0 ]; then echo "user root root;"; fi
  cat <<EOF
pid $dir/nginx.pid;
error_log $dir/error.log warn;
EOF
}

bench_nginx_http_common() {
  local dir=$1
  cat <<EOF
    access_log off;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    default_type application/octet-stream;
    keepalive_requests 1000000;
EOF
}

# bench_lua_latency: Lua for wrk's done() hook. `recorded(latency, summary)` returns a table with p50, p90, p99,
# max and mean (µs) of the latencies wrk actually recorded. wrk (4.x, stats_correct) adds synthetic samples before
# done() runs, to "correct" coordinated omission: each latency n ≥ 2·E, E = duration / (requests / connections),
# adds copies at n − E, n − 2E, ... That is meant for a fixed request rate; for our closed loop of N connections
# it invents latencies nobody saw (a 50 ms backend among 5 ms ones shows up as a plateau at 35 ms). This undoes
# it from the histogram, largest value first (each value's own count is original once the larger ones' copies
# are taken off). WRK_CONNECTIONS must hold wrk's -c.
bench_lua_latency() {
  cat <<'LUA'
function recorded(latency, summary)
  local counts, values = {}, {}
  for i = 1, #latency do
    local value, count = latency(i)
    counts[value] = count
    values[#values + 1] = value
  end
  local connections = tonumber(os.getenv("WRK_CONNECTIONS") or "0")
  local per_connection = connections > 0 and math.floor(summary.requests / connections) or 0
  if per_connection > 0 then
    local expected = math.floor(summary.duration / per_connection)
    for j = #values, 1, -1 do
      local n = values[j]
      local count = counts[n]
      if expected > 0 and n >= 2 * expected and count > 0 then
        local m = n - expected
        while m > expected do
          if counts[m] then counts[m] = counts[m] - count end
          m = m - expected
        end
      end
    end
  end
  local total, sum, max = 0, 0, 0
  for _, value in ipairs(values) do
    if counts[value] > 0 then
      total = total + counts[value]
      sum = sum + value * counts[value]
      max = value
    end
  end
  local result = { max = max, mean = total > 0 and sum / total or 0 }
  for _, p in ipairs({ 50, 90, 99 }) do
    local rank, seen = math.floor(p / 100 * total + 0.5 + 0.5), 0
    result["p" .. p] = 0
    for _, value in ipairs(values) do
      seen = seen + math.max(counts[value], 0)
      if seen >= rank then result["p" .. p] = value; break end
    end
  end
  return result
end
LUA
}
