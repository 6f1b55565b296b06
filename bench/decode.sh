#!/usr/bin/env bash
# Side-by-side AIS decode throughput: picket vs gpsdecode (gpsd 3.22) vs libais.
#
# Run from anywhere (it works from the repo root): bash bench/decode.sh
# See bench/README.md for what it measures. This is a manual benchmark: it is
# never run by `go test` and it is not part of CI.
#
# Environment:
#   PICKET_DATA      data dir holding aivdm/ (default ../shared/data, else testdata/)
#   BENCH_SENTENCES  size of the generated input in sentences (default 1000000)
#   BENCH_RUNS       timed runs per tool; the fastest counts (default 3)
#   BENCH_TOOLS      which rows to run (default "picket gpsdecode libais libais-queue")
set -euo pipefail

# Everything below uses paths relative to the repo root.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=${BENCH_SENTENCES:-1000000}
runs=${BENCH_RUNS:-3}
tools=${BENCH_TOOLS:-picket gpsdecode libais libais-queue}
out=bench/out
input=$out/decode-input.nmea
mkdir -p "$out"

# Byte-wise collation and regexes, so the generated input is identical everywhere.
export LC_ALL=C

log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# 1. Find the real AIS logs.
# ---------------------------------------------------------------------------
if [[ -n ${PICKET_DATA:-} ]]; then
	data=$PICKET_DATA
elif [[ -d ../shared/data ]]; then
	data=../shared/data
elif [[ -d testdata ]]; then
	data=testdata
else
	log "no data: set PICKET_DATA to a directory holding aivdm/ logs"
	exit 1
fi
if [[ ! -d $data ]]; then
	log "PICKET_DATA=$data is not a directory"
	exit 1
fi
# The raw logs live in aivdm/; a flat copy of them is accepted too.
if [[ -d $data/aivdm ]]; then
	logs=$data/aivdm
else
	logs=$data
fi

# Sorted so the input does not depend on directory order. derived/ is pruned
# because its JSON decodes quote the sentences they came from.
mapfile -t sources < <(
	find "$logs" -name derived -prune -o -type f \
		\( -name '*.nmea' -o -name '*.nmea.gz' -o -name '*.nm4' -o -name '*.nm4.gz' \
		-o -name '*.log' -o -name '*.log.gz' -o -name '*.csvlog' -o -name '*.csvlog.gz' \
		-o -name '*.aivdm' -o -name '*.aivdm.gz' \) -print | sort
)
if ((${#sources[@]} == 0)); then
	log "no AIS logs (*.nmea, *.nm4, *.log, *.csvlog, *.aivdm, optionally .gz) under $logs"
	exit 1
fi

# ---------------------------------------------------------------------------
# 2. Build the input: plain sentences, repeated to ~BENCH_SENTENCES.
# ---------------------------------------------------------------------------
# Each log wraps its sentences differently (Vernon: "YYYY-MM-DD HH:MM:SS, "
# prefix and CRLF; Guadeloupe: "epoch,"; Kystverket/AISdb: NMEA 4.0 tag
# blocks; DMA/AMSA: $PGHP lines and a trailing ",epoch-ms"). Keeping only the
# !xxVDM/!xxVDO ... *hh part gives every tool the same plain input, which is
# what all three accept. Bad-checksum sentences, orphan fragments and odd
# payloads are kept: they are part of real traffic and every decoder must
# reject them.
base=$out/decode-base.nmea
manifest=$out/decode-input.txt
: >"$base"
{
	echo "source	sentences"
	for f in "${sources[@]}"; do
		case $f in
		*.gz) gzip -dc -- "$f" ;;
		*) cat -- "$f" ;;
		esac | awk '
			match($0, /![A-Z][A-Z]VD[MO],[^*]*\*[0-9A-Fa-f][0-9A-Fa-f]/) {
				print substr($0, RSTART, RLENGTH) >> "'"$base"'"
				n++
			}
			END { printf "%d\n", n }' | { read -r n; printf '%s\t%s\n' "${f#"$logs"/}" "$n"; }
	done
} >"$manifest"
base_n=$(wc -l <"$base")
if ((base_n == 0)); then
	log "no !xxVDM/!xxVDO sentences found under $logs"
	exit 1
fi

# Repeat the whole corpus until the target, then finish the message in hand:
# stop only after a sentence whose fragment number equals its fragment count,
# so the cut never splits a multi-part message.
awk -v target="$target" -v base="$base" '
	BEGIN {
		n = 0
		while (1) {
			while ((getline line < base) > 0) {
				print line
				n++
				if (n >= target) {
					split(line, f, ",")
					if (f[2] == f[3]) exit
				}
			}
			close(base)
		}
	}' >"$input"
sentences=$(wc -l <"$input")
{
	echo
	echo "base corpus: $base_n sentences; input: $sentences sentences" \
		"($(awk -v s="$sentences" -v b="$base_n" 'BEGIN { printf "%.2f", s / b }') x corpus)"
	echo "sha256: $(sha256sum "$input" | cut -d' ' -f1)"
} >>"$manifest"
log "input: $input, $sentences sentences from ${#sources[@]} logs under $logs (see $manifest)"

# ---------------------------------------------------------------------------
# 3. Install the reference decoders, only if missing.
# ---------------------------------------------------------------------------
# libais is taken from Debian's python3-ais and must run under the system
# python: a pyenv or venv python3 earlier in PATH does not see it.
syspy=/usr/bin/python3
need=()
command -v gpsdecode >/dev/null 2>&1 || need+=(gpsd-clients)
{ [[ -x $syspy ]] && "$syspy" -c 'import ais' 2>/dev/null; } || need+=(python3-ais)
if ((${#need[@]})); then
	sudo=()
	((EUID == 0)) || sudo=(sudo)
	log "installing ${need[*]}"
	# A fresh machine has empty package lists; update once, then install.
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}" >&2
fi

# ---------------------------------------------------------------------------
# 4. Build picket. A missing or broken command is reported, not fatal, so the
#    reference columns can still be measured.
# ---------------------------------------------------------------------------
picket_ok=1
if ! go build -o bin/picket ./cmd/picket 2>"$out/picket-build.log"; then
	picket_ok=0
	log "picket did not build (see $out/picket-build.log); its row is skipped"
fi

# The libais driver: read line by line, check the NMEA checksum (gpsd and
# picket drop bad ones too), reassemble multi-part messages by sequential
# message id and channel, decode with the C++ core (ais.decode) and write one
# JSON object per message. This is the thinnest Python layer libais allows,
# so the row shows libais at its fastest.
cat >"$out/libais_decode.py" <<'PY'
import json
import sys
from functools import reduce
from operator import xor

import ais


def main(src, dst):
    decode, dumps = ais.decode, json.dumps
    parts = {}
    bad_sum = failed = written = 0
    with open(src, encoding="ascii", errors="replace") as f, open(dst, "w") as w:
        for line in f:
            line = line.rstrip("\r\n")
            star = line.rfind("*")
            if star < 1:
                continue
            body = line[1:star]
            try:
                if reduce(xor, body.encode(), 0) != int(line[star + 1:star + 3], 16):
                    bad_sum += 1
                    continue
                fields = body.split(",")
                total, num, fill = int(fields[1]), int(fields[2]), int(fields[6])
            except (ValueError, IndexError):
                bad_sum += 1
                continue
            if total == 1:
                payload = fields[5]
            else:
                key = (fields[3], fields[4])
                if num == 1:
                    parts[key] = [fields[5]]
                    continue
                acc = parts.get(key)
                if acc is None or len(acc) != num - 1:
                    parts.pop(key, None)  # out of order or orphan: drop
                    continue
                acc.append(fields[5])
                if num < total:
                    continue
                del parts[key]
                payload = "".join(acc)
            try:
                msg = decode(payload, fill)
            except Exception:  # ais.DecodeError, or unsupported DAC/FI
                failed += 1
                continue
            w.write(dumps(msg))
            w.write("\n")
            written += 1
    print("libais: %d written, %d decode errors, %d bad checksum/field"
          % (written, failed, bad_sum), file=sys.stderr)


main(sys.argv[1], sys.argv[2])
PY

# libais' own stream helper (ais.nmea_queue.NmeaQueue): what a libais user
# would reach for first. It does the checksum, reassembly and tag-block
# handling in Python and adds an md5 per message, so it is much slower.
cat >"$out/libais_queue.py" <<'PY'
import json
import sys

from ais import nmea_queue


def main(src, dst):
    q, dumps = nmea_queue.NmeaQueue(), json.dumps
    with open(src, encoding="ascii", errors="replace") as f, open(dst, "w") as w:
        for line in f:
            q.put(line)
            while True:
                m = q.GetOrNone()
                if m is None:
                    break
                d = m.get("decoded")
                if d:
                    w.write(dumps(d))
                    w.write("\n")


main(sys.argv[1], sys.argv[2])
PY

# ---------------------------------------------------------------------------
# 5. Time each tool: same input file, real output written to a file.
# ---------------------------------------------------------------------------
run_picket() { bin/picket decode "$input" >"$out/picket.ndjson" 2>"$out/picket.stderr"; }
run_gpsdecode() { gpsdecode -j <"$input" >"$out/gpsdecode.json" 2>"$out/gpsdecode.stderr"; }
run_libais() { "$syspy" "$out/libais_decode.py" "$input" "$out/libais.json" 2>"$out/libais.stderr"; }
run_libais_queue() { "$syspy" "$out/libais_queue.py" "$input" "$out/libais-queue.json" 2>"$out/libais-queue.stderr"; }

declare -A outfile=(
	[picket]=$out/picket.ndjson [gpsdecode]=$out/gpsdecode.json
	[libais]=$out/libais.json [libais-queue]=$out/libais-queue.json
)

version() {
	case $1 in
	picket)
		# Prefer the binary's own answer; fall back to the commit it was built from.
		local v
		if v=$(bin/picket version 2>/dev/null | head -n1) && [[ -n $v ]]; then
			echo "$v"
		else
			echo "git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -z $(git status --porcelain -- cmd internal 2>/dev/null) ]] || echo +dirty)"
		fi
		;;
	gpsdecode) gpsdecode -V 2>&1 | awk '{ print $NF }' ;;
	libais | libais-queue)
		echo "$("$syspy" -c 'import ais; print(ais.__version__)') (py $("$syspy" -c 'import platform; print(platform.python_version())'))"
		;;
	esac
}

# Fastest of $runs runs: prints "wall cpu" in seconds (cpu = user + system of
# that run, which shows whether a tool used more than one core). Returns 1 if
# the tool failed.
best_of() {
	local fn=$1 best="" i rc t w u sy
	for ((i = 1; i <= runs; i++)); do
		rc=0
		# The tool's own output and stderr go to files inside $fn, so all that
		# is captured here is the time keyword's report.
		t=$({
			TIMEFORMAT='%3R %3U %3S'
			time "$fn"
		} 2>&1) || rc=$?
		if ((rc != 0)); then
			log "$fn exited $rc (see $out/*.stderr)"
			return 1
		fi
		read -r w u sy <<<"$t"
		log "  $fn run $i: $w s wall, $u s user, $sy s sys"
		best=$(awk -v w="$w" -v c="$(awk -v u="$u" -v s="$sy" 'BEGIN { print u + s }')" -v best="$best" '
			BEGIN { split(best, b, " "); if (best == "" || w < b[1]) best = w " " c; print best }')
	done
	echo "$best"
}

# Other work on the machine skews wall times; the report quotes the load.
load=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A secs cpu msgs ver
for t in $tools; do
	if [[ $t == picket ]] && ((!picket_ok)); then
		ver[$t]="not built"
		continue
	fi
	log "timing $t ($runs runs)"
	ver[$t]=$(version "$t")
	if r=$(best_of "run_${t//-/_}"); then
		read -r "secs[$t]" "cpu[$t]" <<<"$r"
		msgs[$t]=$(wc -l <"${outfile[$t]}")
	else
		ver[$t]="${ver[$t]}, failed"
	fi
done

# ---------------------------------------------------------------------------
# 6. Report.
# ---------------------------------------------------------------------------
results=$out/decode-results.md
{
	echo "### Decode throughput ($sentences sentences, best of $runs)"
	echo
	echo "| tool | version | wall s | CPU s | sentences/s | messages out | speed vs gpsdecode |"
	echo "|---|---|---:|---:|---:|---:|---:|"
	g=${secs[gpsdecode]:-}
	for t in $tools; do
		s=${secs[$t]:-}
		if [[ -z $s ]]; then
			echo "| $t | ${ver[$t]:-n/a} | – | – | – | – | – |"
			continue
		fi
		awk -v t="$t" -v v="${ver[$t]}" -v s="$s" -v c="${cpu[$t]}" -v n="$sentences" -v m="${msgs[$t]}" -v g="$g" '
			function group(x,   r) {  # 1234567 -> 1,234,567
				r = sprintf("%d", x)
				while (r ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", r)
				return r
			}
			BEGIN {
				ratio = (g == "" || s == 0) ? "–" : sprintf("%.2fx", g / s)
				printf "| %s | %s | %.3f | %.3f | %s | %s | %s |\n", t, v, s, c, group(n / s), group(m), ratio
			}'
	done
	echo
	echo "Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { m = $2 } /^cpu family/ { f = $2 } /^model\t/ { mo = $2 }
		END { printf "%s, family %s model %s", m, f, mo }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
		"$(awk -F= '/^PRETTY_NAME=/ { gsub(/"/, "", $2); print $2 }' /etc/os-release 2>/dev/null), kernel $(uname -r), $(go version | awk '{ print $3 }')," \
		"load average before the run $load"
	echo
	echo "Input: $input — $(tail -n 2 "$manifest" | head -n 1)"
	tail -n 1 "$manifest"
} | tee "$results"
