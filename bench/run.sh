#!/usr/bin/env bash
# bench/run.sh: load benchmarks of the consent module through a real Caddy.
#
#   bash bench/run.sh            # from the repository root; ~6-7 minutes
#
# Builds Caddy with our modules, starts bench/upstream (fixtures from memory,
# with Content-Length) and one Caddy per configuration:
#   A  reverse_proxy
#   B  consent + reverse_proxy
#   C  encode gzip + reverse_proxy                (client sends Accept-Encoding: gzip)
#   D  encode gzip + consent + reverse_proxy      (client sends Accept-Encoding: gzip)
# Every request sends Accept: text/html, so the module rewrites. Caddy runs on
# CPU 1, wrk, the load generator and the upstream on CPU 0 (taskset), so each
# Caddy has one core (GOMAXPROCS follows the affinity).
#
# Phases (configurations interleaved, order reversed every round, so machine
# noise hits all alike; medians reported):
#   1. peak: wrk -t1 -c16 --latency on /wp.html (A B C D) and /trackers.html (A B)
#   2. open loop at 50 % and 25 % of A's median peak, A and B (bench/load: no coordinated omission)
#   3. first byte on the dripping 11 MiB page, A and B, interleaved runs
#   4. peak RSS (VmHWM) of a fresh Caddy under wrk -c16 on /big.html (11 MiB), A and B
#   5. CPU profile of B under load from Caddy's admin /debug/pprof/ (PROFILE=0 skips)
#
# Knobs (environment): ROUNDS=3 DURATION=10s WARMUP=1s CONNS=16 OPEN_ROUNDS=2 OPEN_PCTS="50 25"
# RSS_ROUNDS=2 TTFB_RUNS=10 PROFILE=1 PROFILE_SECONDS=8 OUT=<dir for raw results>.
# The summary (markdown) is printed at the end and kept in $OUT/summary.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-1s}
CONNS=${CONNS:-16}
OPEN_ROUNDS=${OPEN_ROUNDS:-2}
OPEN_PCTS=${OPEN_PCTS:-50 25}
RSS_ROUNDS=${RSS_ROUNDS:-2}
TTFB_RUNS=${TTFB_RUNS:-10}
PROFILE=${PROFILE:-1}
PROFILE_SECONDS=${PROFILE_SECONDS:-8}
OUT=${OUT:-$(mktemp -d /tmp/consent-bench.XXXXXX)}
mkdir -p "$OUT/bin" "$OUT/raw" "$OUT/xdg"
SECRET=bench-secret-not-for-production-0123456789abcdef
T0=$(date +%s)

log() { printf '[%4ds] %s\n' $(($(date +%s) - T0)) "$*" >&2; }

# median: the median of the numbers on stdin.
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { awk -F'\t' -v c="$1" -v p="$2" -v k="$3" '$1 == c && $2 == p {print $k}' "$4"; }

# summarize: $OUT/summary.md (markdown) from the results in $OUT.
summarize() {
	{
		echo "## Through Caddy (bench/run.sh)"
		echo
		echo '```'
		cat "$OUT/env.txt"
		awk '{print $2}' "$OUT/loadavg.log" | sort -g | awk '{v[NR] = $1} END {printf "loadavg (1 min) during the run: min %s, median %s, max %s over %d samples\n", v[1], v[int((NR + 1) / 2)], v[NR], NR}'
		echo '```'
		echo
		echo "### Peak requests/s (wrk -t1 -c$CONNS -d$DURATION, closed loop; median of $ROUNDS interleaved rounds)"
		echo
		echo "| page | config | req/s (median) | runs | vs baseline | target | p50 ms | p99 ms |"
		echo "|---|---|---:|---|---:|---|---:|---:|"
		for row in "wp.html A - -" "wp.html B A >=60%" "wp.html C - -" "wp.html D C >=85%" "trackers.html A - -" "trackers.html B A -"; do
			read -r page cfg base target <<<"$row"
			m=$(col "$cfg" "$page" 4 "$OUT/peak.tsv" | median)
			runs=$(col "$cfg" "$page" 4 "$OUT/peak.tsv" | awk '{printf "%s%.0f", (NR > 1 ? ", " : ""), $1}')
			ratio="-"
			if [ "$base" != - ]; then
				b=$(col "$base" "$page" 4 "$OUT/peak.tsv" | median)
				ratio=$(awk -v m="$m" -v b="$b" 'BEGIN {printf "%.0f %% of %s", 100 * m / b, "'"$base"'"}')
			fi
			p50=$(col "$cfg" "$page" 5 "$OUT/peak.tsv" | median)
			p99=$(col "$cfg" "$page" 6 "$OUT/peak.tsv" | median)
			printf '| %s | %s | %.0f | %s | %s | %s | %s | %s |\n' "$page" "$cfg" "$m" "$runs" "$ratio" "$target" "$p50" "$p99"
		done
		echo
		echo "A = reverse_proxy, B = consent + reverse_proxy, C = encode gzip + reverse_proxy, D = encode gzip + consent + reverse_proxy."
		echo "Per-round ratios B/A on wp.html: $(for r in $(seq "$ROUNDS"); do awk -F'\t' -v r="$r" '$2 == "wp.html" && $3 == r {v[$1] = $4} END {printf "%.0f%% ", 100 * v["B"] / v["A"]}' "$OUT/peak.tsv"; done)"
		echo "Per-round ratios D/C on wp.html: $(for r in $(seq "$ROUNDS"); do awk -F'\t' -v r="$r" '$2 == "wp.html" && $3 == r {v[$1] = $4} END {printf "%.0f%% ", 100 * v["D"] / v["C"]}' "$OUT/peak.tsv"; done)"
		echo "wrk errors (socket + non-2xx) over all runs: $(awk -F'\t' '{s += $7} END {print s + 0}' "$OUT/peak.tsv")"
		echo
		echo "### Latency at a fixed rate (bench/load, open loop, /wp.html, fractions of A's median peak $PEAK_A req/s; median of $OPEN_ROUNDS rounds)"
		echo
		echo "| rate | config | p50 ms | p99 ms | p99.9 ms | achieved req/s | errors+unfinished | added p50 / p99 ms |"
		echo "|---|---|---:|---:|---:|---:|---:|---|"
		# open.tsv: cfg pct round target sent ok errors unfinished achieved p50 p90 p99 p999 max
		o() { awk -F'\t' -v c="$1" -v p="$2" -v k="$3" '$1 == c && $2 == p {print $k}' "$OUT/open.tsv" | median; }
		for pct in $OPEN_PCTS; do
			for cfg in A B; do
				added="-"
				[ "$cfg" = B ] && added=$(awk -v pa="$(o A "$pct" 10)" -v pb="$(o B "$pct" 10)" -v qa="$(o A "$pct" 12)" -v qb="$(o B "$pct" 12)" \
					'BEGIN {printf "%+.3f / %+.3f", pb - pa, qb - qa}')
				printf '| %s %% (%.0f/s) | %s | %s | %s | %s | %.0f | %s | %s |\n' "$pct" "$(o "$cfg" "$pct" 4)" "$cfg" \
					"$(o "$cfg" "$pct" 10)" "$(o "$cfg" "$pct" 12)" "$(o "$cfg" "$pct" 13)" "$(o "$cfg" "$pct" 9)" \
					"$(awk -F'\t' -v c="$cfg" -v p="$pct" '$1 == c && $2 == p {s += $7 + $8} END {print s + 0}' "$OUT/open.tsv")" "$added"
			done
		done
		echo
		echo "Targets at 50 %: added p50 <= 0.3 ms, added p99 <= 1 ms. A rate above B's own peak shows as seconds of queueing."
		echo
		echo "### First byte through a dripping upstream (11 MiB in 32 KiB pieces every 10 ms; $TTFB_RUNS interleaved runs, fresh connection each)"
		echo
		echo "| page | config | first body byte ms (mean / median) | </head> received ms (mean / median) |"
		echo "|---|---|---:|---:|"
		for page in slow.html slow-chunked.html; do
			for cfg in A B; do
				fbm=$(col "$cfg" "$page" 4 "$OUT/ttfb.tsv" | awk '{s += $1} END {printf "%.3f", s / NR}')
				fbd=$(col "$cfg" "$page" 4 "$OUT/ttfb.tsv" | median)
				hem=$(col "$cfg" "$page" 5 "$OUT/ttfb.tsv" | awk '{s += $1} END {printf "%.3f", s / NR}')
				hed=$(col "$cfg" "$page" 5 "$OUT/ttfb.tsv" | median)
				printf '| %s | %s | %s / %s | %s / %s |\n' "$page" "$cfg" "$fbm" "$fbd" "$hem" "$hed"
			done
		done
		echo
		echo "slow.html has Content-Length (Caddy does not flush on its own); slow-chunked.html has none (Caddy flushes after every read). Target: B within 1 ms of A."
		echo
		echo "### Peak RSS, 11 MiB page (/big.html), wrk -t1 -c$CONNS -d$DURATION, fresh Caddy per run"
		echo
		echo "| config | VmHWM idle MiB | VmHWM under load MiB (median) | runs MiB | req/s (median) |"
		echo "|---|---:|---:|---|---:|"
		for cfg in A B; do
			idle=$(awk -F'\t' -v c="$cfg" '$1 == c {print $3 / 1024}' "$OUT/rss.tsv" | median)
			hwm=$(awk -F'\t' -v c="$cfg" '$1 == c {print $4 / 1024}' "$OUT/rss.tsv" | median)
			runs=$(awk -F'\t' -v c="$cfg" '$1 == c {printf "%s%.1f", (n++ ? ", " : ""), $4 / 1024}' "$OUT/rss.tsv")
			rps=$(awk -F'\t' -v c="$cfg" '$1 == c {print $5}' "$OUT/rss.tsv" | median)
			printf '| %s | %.1f | %.1f | %s | %.1f |\n' "$cfg" "$idle" "$hwm" "$runs" "$rps"
		done
		ha=$(awk -F'\t' '$1 == "A" {print $4 / 1024}' "$OUT/rss.tsv" | median)
		hb=$(awk -F'\t' '$1 == "B" {print $4 / 1024}' "$OUT/rss.tsv" | median)
		awk -v a="$ha" -v b="$hb" 'BEGIN {printf "\nB - A: %+.1f MiB (target <= +8 MB).\n", b - a}'
		if [ "$PROFILE" = 1 ]; then
			for page in wp.html trackers.html; do
				echo
				echo "### CPU profile of B on $page (${PROFILE_SECONDS}s under wrk -c$CONNS)"
				echo
				echo '```'
				grep -m1 'Total samples' "$OUT/pprof-B-$page-flat.txt"
				echo "entry points (cumulative; Rewriter.write is the rewriter's writes to the client connection):"
				grep -E 'consent\.\(\*Handler\)\.ServeHTTP$|htmlrewrite\.\(\*Rewriter\)\.(Write|write|run)$|banner\.Render$|catalog\.\(\*Catalog\)\.Match[A-Za-z]*$' \
					"$OUT/pprof-B-$page-cum.txt" || true
				echo "this module's functions by self time:"
				grep -m1 '^ *flat' "$OUT/pprof-B-$page-flat.txt"
				awk '/samtykke\/caddy-consent/ && n++ < 12' "$OUT/pprof-B-$page-flat.txt"
				echo '```'
			done
		fi
		echo
		echo "Raw results: $OUT"
	} >"$OUT/summary.md"
}

# SUMMARY_ONLY=1 OUT=<dir of an earlier run> rewrites that run's summary.
if [ "${SUMMARY_ONLY:-0}" = 1 ]; then
	PEAK_A=$(col A wp.html 4 "$OUT/peak.tsv" | median)
	summarize
	cat "$OUT/summary.md"
	exit 0
fi

# --- tools ----------------------------------------------------------------
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! command -v wrk >/dev/null 2>&1; then
	log "installing wrk from Debian"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
PIN0=() PIN1=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
	PIN0=(taskset -c 0) PIN1=(taskset -c 1)
fi

# --- processes we start, stopped by pid on exit -----------------------------
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# Load average every 5 s for the whole run.
(while :; do echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 5; done) >"$OUT/loadavg.log" &
PIDS+=($!)

# --- build ------------------------------------------------------------------
log "building caddy, upstream and load into $OUT/bin"
go build -o "$OUT/bin/caddy" ./cmd/caddy
go build -o "$OUT/bin/upstream" ./bench/upstream
go build -o "$OUT/bin/load" ./bench/load
CADDY=$OUT/bin/caddy
LOAD=$OUT/bin/load

{
	echo "date: $(date -u +%FT%TZ)"
	echo "command: ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONNS=$CONNS OPEN_ROUNDS=$OPEN_ROUNDS OPEN_PCTS=\"$OPEN_PCTS\" RSS_ROUNDS=$RSS_ROUNDS TTFB_RUNS=$TTFB_RUNS bash bench/run.sh"
	echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
	echo "go: $(go version | cut -d' ' -f3-)"
	echo "caddy: $($CADDY version | cut -d' ' -f1)"
	echo "wrk: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
	echo "tree: $(git rev-parse --short HEAD 2>/dev/null || echo '?') + $(git status --porcelain 2>/dev/null | wc -l) uncommitted changes"
	echo "pinning: ${PIN1[*]:-none} caddy; ${PIN0[*]:-none} wrk, load, upstream"
	echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/env.txt"

# --- upstream ---------------------------------------------------------------
"${PIN0[@]}" "$OUT/bin/upstream" -pages testdata/pages >"$OUT/upstream.out" 2>"$OUT/upstream.err" &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$OUT/upstream.out" ] && break; sleep 0.1; done
UPSTREAM=$(head -1 "$OUT/upstream.out")
[ -n "$UPSTREAM" ] || { echo "upstream did not start:" >&2; cat "$OUT/upstream.err" >&2; exit 1; }
log "upstream on $UPSTREAM"

# --- caddy ------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
NEXT_PORT=${BASE_PORT:-18400}
alloc_port() {
	while ! port_free "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done
	PORT=$NEXT_PORT
	NEXT_PORT=$((NEXT_PORT + 1))
}

declare -A CPID CPORT CADMIN
# start_caddy KEY CFG: a fresh Caddy for configuration CFG (A-D), known as KEY.
start_caddy() {
	local key=$1 cfg=$2 port admin body=""
	alloc_port; port=$PORT
	alloc_port; admin=$PORT
	case $cfg in
	A) ;;
	B) body="	consent {
		secret $SECRET
	}" ;;
	C) body="	encode gzip" ;;
	D) body="	encode gzip
	consent {
		secret $SECRET
	}" ;;
	esac
	cat >"$OUT/Caddyfile.$key" <<EOF
{
	admin 127.0.0.1:$admin
	persist_config off
	auto_https off
	storage file_system $OUT/storage
	log default {
		output file $OUT/caddy-$key.log
	}
}

http://127.0.0.1:$port {
$body
	reverse_proxy $UPSTREAM
}
EOF
	XDG_DATA_HOME=$OUT/xdg XDG_CONFIG_HOME=$OUT/xdg \
		"${PIN1[@]}" "$CADDY" run --config "$OUT/Caddyfile.$key" --adapter caddyfile \
		>"$OUT/caddy-$key.out" 2>&1 &
	CPID[$key]=$!
	PIDS+=($!)
	CPORT[$key]=$port
	CADMIN[$key]=$admin
	for _ in $(seq 300); do
		curl -fsS -o /dev/null -H 'Accept: text/html' "http://127.0.0.1:$port/wp.html" 2>/dev/null && return 0
		kill -0 "${CPID[$key]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "caddy $key did not start:" >&2
	cat "$OUT/caddy-$key.out" >&2
	exit 1
}

stop_caddy() {
	local pid=${CPID[$1]}
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# Request headers per configuration: C and D ask for gzip.
hdrs() {
	case $1 in
	C | D) printf '%s\n' -H 'Accept: text/html' -H 'Accept-Encoding: gzip' ;;
	*) printf '%s\n' -H 'Accept: text/html' ;;
	esac
}

# check KEY CFG: the configuration does what it is meant to before it is timed.
check() {
	local key=$1 cfg=$2 url="http://127.0.0.1:${CPORT[$1]}" body
	mapfile -t H < <(hdrs "$cfg")
	curl -fsS -D "$OUT/raw/check-$key.headers" -o "$OUT/raw/check-$key.body" "${H[@]}" "$url/wp.html"
	body=$OUT/raw/check-$key.body
	case $cfg in C | D)
		grep -qi '^content-encoding: gzip' "$OUT/raw/check-$key.headers" || { echo "$cfg: response not gzipped" >&2; exit 1; }
		gzip -dc <"$body" >"$body.plain"
		body=$body.plain
		;;
	esac
	case $cfg in
	A | C) cmp -s "$body" testdata/pages/wordpress-median.html || { echo "$cfg: body differs from the fixture" >&2; exit 1; } ;;
	B | D) grep -q 'data-consent-banner' "$body" || { echo "$cfg: no banner in the page: the module did not rewrite" >&2; exit 1; } ;;
	esac
	if [ "$cfg" = B ]; then
		curl -fsS -o "$OUT/raw/check-$key.trackers" "${H[@]}" "$url/trackers.html"
		grep -q 'data-consent-category' "$OUT/raw/check-$key.trackers" ||
			{ echo "B: nothing neutralised on the tracker page" >&2; exit 1; }
	fi
}

# to_ms VALUE: wrk's 1.23ms / 456.00us / 1.02s in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
		else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
		else { sub(/s$/, "", v); printf "%.3f", v * 1000 }
	}'
}

# run_wrk KEY CFG PAGE ROUND: one timed wrk run after a short warm-up; one
# line "cfg page round rps p50 p99 errors" appended to peak.tsv.
run_wrk() {
	local key=$1 cfg=$2 page=$3 round=$4 url raw rps p50 p99 errs
	url="http://127.0.0.1:${CPORT[$key]}/$page"
	raw=$OUT/raw/wrk-$cfg-$page-$round.txt
	mapfile -t H < <(hdrs "$cfg")
	"${PIN0[@]}" wrk -t1 -c"$CONNS" -d"$WARMUP" "${H[@]}" "$url" >/dev/null
	"${PIN0[@]}" wrk -t1 -c"$CONNS" -d"$DURATION" --latency "${H[@]}" "$url" >"$raw"
	rps=$(awk '/^Requests\/sec/ {print $2}' "$raw")
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$raw")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$raw")")
	errs=$(awk '/Socket errors/ {gsub(/,/, ""); s += $4 + $6 + $8 + $10} /Non-2xx/ {s += $NF} END {print s + 0}' "$raw")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cfg" "$page" "$round" "$rps" "$p50" "$p99" "$errs" >>"$OUT/peak.tsv"
	log "$cfg $page round $round: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $errs"
}

# --- phase 1: peak requests/s --------------------------------------------------
for cfg in A B C D; do
	start_caddy "$cfg" "$cfg"
	check "$cfg" "$cfg"
done
log "caddy A-D up and checked; phase 1: $ROUNDS rounds of wrk -t1 -c$CONNS -d$DURATION"
: >"$OUT/peak.tsv"
for round in $(seq "$ROUNDS"); do
	order="A B C D"
	[ $((round % 2)) = 0 ] && order="D C B A"
	for cfg in $order; do
		run_wrk "$cfg" "$cfg" wp.html "$round"
		case $cfg in A | B) run_wrk "$cfg" "$cfg" trackers.html "$round" ;; esac
	done
done

# --- phase 5 (while A-D are warm): CPU profile of B under load -------------------
if [ "$PROFILE" = 1 ]; then
	for page in wp.html trackers.html; do
		log "profiling B on $page for ${PROFILE_SECONDS}s"
		mapfile -t H < <(hdrs B)
		"${PIN0[@]}" wrk -t1 -c"$CONNS" -d"$((PROFILE_SECONDS + 2))s" "${H[@]}" "http://127.0.0.1:${CPORT[B]}/$page" >/dev/null &
		wrkpid=$!
		sleep 1
		curl -fsS -o "$OUT/cpu-B-$page.pprof" "http://127.0.0.1:${CADMIN[B]}/debug/pprof/profile?seconds=$PROFILE_SECONDS"
		wait "$wrkpid"
		go tool pprof -top -nodecount=400 "$CADDY" "$OUT/cpu-B-$page.pprof" >"$OUT/pprof-B-$page-flat.txt" 2>/dev/null || true
		go tool pprof -top -cum -nodecount=400 "$CADDY" "$OUT/cpu-B-$page.pprof" >"$OUT/pprof-B-$page-cum.txt" 2>/dev/null || true
	done
fi

# --- phase 2: open loop at fractions of A's peak --------------------------------
PEAK_A=$(col A wp.html 4 "$OUT/peak.tsv" | median)
: >"$OUT/open.tsv"
for pct in $OPEN_PCTS; do
	rate=$(awk -v p="$PEAK_A" -v f="$pct" 'BEGIN {printf "%d", p * f / 100}')
	log "phase 2: open loop at $rate req/s ($pct % of A's median peak $PEAK_A)"
	for round in $(seq "$OPEN_ROUNDS"); do
		order="A B"
		[ $((round % 2)) = 0 ] && order="B A"
		for cfg in $order; do
			line=$("${PIN0[@]}" "$LOAD" rate -url "http://127.0.0.1:${CPORT[$cfg]}/wp.html" -rate "$rate" \
				-duration "$DURATION" -warmup "$WARMUP" -conns 64 -H 'Accept: text/html')
			echo "$pct $cfg $round $line" >>"$OUT/raw/open.txt"
			printf '%s\t%s\t%s\t%s\n' "$cfg" "$pct" "$round" \
				"$(echo "$line" | tr ' ' '\n' | awk -F= '{printf "%s\t", $2}')" >>"$OUT/open.tsv"
			log "$cfg open loop $pct % round $round: $line"
		done
	done
done

# --- phase 3: first byte through a dripping upstream ----------------------------
log "phase 3: first byte on /slow.html and /slow-chunked.html, $TTFB_RUNS runs each"
: >"$OUT/ttfb.tsv"
for page in slow.html slow-chunked.html; do
	for i in $(seq "$TTFB_RUNS"); do
		order="A B"
		[ $((i % 2)) = 0 ] && order="B A"
		for cfg in $order; do
			line=$("${PIN0[@]}" "$LOAD" ttfb -n 1 -url "http://127.0.0.1:${CPORT[$cfg]}/$page" -H 'Accept: text/html')
			fb=$(echo "$line" | tr ' ' '\n' | awk -F= '$1 == "first_body_mean_ms" {print $2}')
			he=$(echo "$line" | tr ' ' '\n' | awk -F= '$1 == "head_end_mean_ms" {print $2}')
			printf '%s\t%s\t%s\t%s\t%s\n' "$cfg" "$page" "$i" "$fb" "$he" >>"$OUT/ttfb.tsv"
		done
	done
done

for cfg in A B C D; do stop_caddy "$cfg"; done

# --- phase 4: peak RSS on the 11 MiB page ----------------------------------------
log "phase 4: peak RSS under wrk -c$CONNS on /big.html, $RSS_ROUNDS rounds"
: >"$OUT/rss.tsv"
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }
for round in $(seq "$RSS_ROUNDS"); do
	order="A B"
	[ $((round % 2)) = 0 ] && order="B A"
	for cfg in $order; do
		key=rss-$cfg-$round
		start_caddy "$key" "$cfg"
		pid=${CPID[$key]}
		idle=$(kib VmHWM "$pid")
		raw=$OUT/raw/wrk-$cfg-big.html-$round.txt
		mapfile -t H < <(hdrs "$cfg")
		"${PIN0[@]}" wrk -t1 -c"$CONNS" -d"$DURATION" --latency "${H[@]}" "http://127.0.0.1:${CPORT[$key]}/big.html" >"$raw"
		hwm=$(kib VmHWM "$pid")
		rps=$(awk '/^Requests\/sec/ {print $2}' "$raw")
		printf '%s\t%s\t%s\t%s\t%s\n' "$cfg" "$round" "$idle" "$hwm" "$rps" >>"$OUT/rss.tsv"
		log "$cfg big.html round $round: VmHWM idle $idle KiB, under load $hwm KiB, $rps req/s"
		stop_caddy "$key"
	done
done

echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/env.txt"

echo "total time: $(($(date +%s) - T0)) s" >>"$OUT/env.txt"
summarize
cat "$OUT/summary.md"
log "done"
