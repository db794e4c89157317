#!/usr/bin/env bash
# Where the whole machine's CPU goes in one phase of `./run bench checkout` (ADR 5, round 11): Linux perf samples
# every process, the kernel's share included (the network stack, fsync, scheduling), which neither JFR nor
# pg_stat_statements sees. Then PostgreSQL's backends alone, with their call stacks, to split what they do
# (planning, executing, reading the next message, committing).
#
#   infra/perf-phase.sh "Till: (b)" --checkouts 4000 --seconds 30 --rates 20
#
# The first argument is the phase as the benchmark announces it ("bench: measuring Till: (b) ..."); the rest go to
# `./run bench checkout`. Give a phase at least 20 s of load (--checkouts, --seconds): the two recordings take 8 s
# and 6 s, from 2 s after the phase starts. Needs perf, run as root. Writes target/perf/<stamp>/.
set -euo pipefail
cd "$(dirname "$0")/.."
phase=${1:?usage: infra/perf-phase.sh PHASE [bench options], e.g. \"Till: (b)\" --checkouts 4000 --seconds 30}
shift
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
out=target/perf/$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
./run bench checkout "$@" >"$out/bench.log" 2>&1 &
bench=$!
until grep -qF "measuring $phase" "$out/bench.log"; do
  kill -0 "$bench" 2>/dev/null || { echo "the benchmark ended before $phase; see $out/bench.log" >&2; exit 1; }
  sleep 0.5
done
sleep 2
perf record -a -g -F 299 -o "$out/system.data" -- sleep 8 >"$out/perf.log" 2>&1
# JIT-compiled methods by name in the report: each JVM writes /tmp/perf-<pid>.map.
jcmd=$(dirname "$(readlink -f "$(command -v java)")")/jcmd
for jdk in /usr/lib/jvm/*25*/bin /usr/lib/jvm/*21*/bin; do [ -x "$jdk/jcmd" ] && jcmd=$jdk/jcmd && break; done
for pid in $(pgrep -f java); do "$jcmd" "$pid" Compiler.perfmap >/dev/null 2>&1 || true; done
perf record --call-graph dwarf,16384 -F 149 -o "$out/postgres.data" -p "$(pgrep -d, -x postgres)" -- sleep 6 \
  >>"$out/perf.log" 2>&1
wait "$bench"
{
  echo "== every process, by thread name (self time; kernel frames count with the thread that entered them)"
  perf report -i "$out/system.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep -v '^#' | head -40
  echo "== PostgreSQL's backends, inclusive time by function"
  perf report -i "$out/postgres.data" --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | head -80
} | tee "$out/report.txt"
echo "recordings and the benchmark's log in $out; more with: perf report -i $out/system.data"
