#!/usr/bin/env bash
# bench/spin.sh: what a response may cost in CPU for the module to reach a
# given share of plain reverse_proxy's requests/s on this machine.
#
#   bash bench/spin.sh           # from the repository root; ~4 minutes
#
# Builds Caddy with -tags consentbench (module/consent/benchknobs_on.go) and
# runs, interleaved round by round with the same pinning as bench/run.sh
# (Caddy on CPU 1; wrk and the upstream on CPU 0), wrk -t1 -c16 on /wp.html:
#   A       reverse_proxy
#   null    consent, the body through the span buffer but not the rewriter
#   spinN   the same, spinning N ps per body byte instead of rewriting
#   B       consent as shipped
# B lands where the spin of the same cost lands; the spin that reaches 60 %
# of A is the rewriter's CPU budget through Caddy here.
# Knobs: ROUNDS=3 DURATION=8s SPINS="150 300 450 600 720".
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
SPINS=${SPINS:-150 300 450 600 720}
OUT=${OUT:-$(mktemp -d /tmp/consent-spin.XXXXXX)}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
PIN0=() PIN1=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then PIN0=(taskset -c 0) PIN1=(taskset -c 1); fi
go build -tags consentbench -o "$OUT/caddy" ./cmd/caddy
go build -o "$OUT/upstream" ./bench/upstream
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
"${PIN0[@]}" "$OUT/upstream" -pages testdata/pages >"$OUT/upstream.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$OUT/upstream.out" ] && break; sleep 0.1; done
UPSTREAM=$(head -1 "$OUT/upstream.out")
CONSENT="consent {
		secret bench-secret-not-for-production-0123456789abcdef
	}"
declare -A PORT
port=${BASE_PORT:-18600}
start() { # name CONSENT_BENCH-value site-body
	cat >"$OUT/Caddyfile.$1" <<EOC
{
	admin off
	persist_config off
	auto_https off
	storage file_system $OUT/storage
	log default {
		output discard
	}
}
http://127.0.0.1:$port {
	$3
	reverse_proxy $UPSTREAM
}
EOC
	CONSENT_BENCH=$2 XDG_DATA_HOME=$OUT XDG_CONFIG_HOME=$OUT "${PIN1[@]}" "$OUT/caddy" run \
		--config "$OUT/Caddyfile.$1" --adapter caddyfile >"$OUT/caddy-$1.out" 2>&1 &
	PIDS+=($!)
	PORT[$1]=$port
	port=$((port + 1))
}
NAMES="A null"
start A "" ""
start null null "$CONSENT"
for s in $SPINS; do start "spin$s" "spin:$s" "$CONSENT"; NAMES="$NAMES spin$s"; done
start B "" "$CONSENT"
NAMES="$NAMES B"
for n in $NAMES; do
	for _ in $(seq 100); do curl -fsS -o /dev/null -H 'Accept: text/html' "http://127.0.0.1:${PORT[$n]}/wp.html" 2>/dev/null && break; sleep 0.1; done
done
for r in $(seq "$ROUNDS"); do
	for n in $NAMES; do
		rps=$("${PIN0[@]}" wrk -t1 -c16 -d"$DURATION" -H 'Accept: text/html' "http://127.0.0.1:${PORT[$n]}/wp.html" | awk '/Requests\/sec/ {print $2}')
		printf '%s\t%s\t%s\n' "$r" "$n" "$rps" | tee -a "$OUT/rps.tsv" >&2
	done
done
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
a=$(awk -F'\t' '$2 == "A" {print $3}' "$OUT/rps.tsv" | median)
echo "| config | CPU added per 121 KB page | req/s (median of $ROUNDS) | runs | vs A |"
echo "|---|---:|---:|---|---:|"
for n in $NAMES; do
	m=$(awk -F'\t' -v n="$n" '$2 == n {print $3}' "$OUT/rps.tsv" | median)
	runs=$(awk -F'\t' -v n="$n" '$2 == n {printf "%s%.0f", (k++ ? ", " : ""), $3}' "$OUT/rps.tsv")
	case $n in A) cost="-" ;; null) cost="0 (no rewriting)" ;; B) cost="the rewriter" ;; *) cost="$(awk -v ps="${n#spin}" 'BEGIN {printf "%.0f µs spin", ps * 121215 / 1e6}')" ;; esac
	printf '| %s | %s | %.0f | %s | %.0f %% |\n' "$n" "$cost" "$m" "$runs" "$(awk -v m="$m" -v a="$a" 'BEGIN {print 100 * m / a}')"
done
