#!/bin/sh
# Starts three partners' picket deployments on this machine, federated
# (docs/cluster.md, "Federation"): JPN, KOR and GBR, each a cluster of one
# node with its own JetStream domain, linked as NATS leaf nodes (KOR dials
# JPN; GBR dials JPN and KOR). Each runs one simulated feed with its own
# label; each API shows its own feed's vessels and those the others'
# labels release to it, and nothing else. Stop with Ctrl-C (all three).
#
#   examples/federation.sh [DIR]   # DIR: where the partners keep their data (default ./picket-federation)
#
#   partner  API                     leaf listener    feed (label)
#   JPN      http://127.0.0.1:8091/  127.0.0.1:7422   jpn-coast (REL TO JPN, GBR)
#   KOR      http://127.0.0.1:8092/  127.0.0.1:7423   kor-shore (REL TO KOR, JPN)
#   GBR      http://127.0.0.1:8093/  (dials out)      gbr-sat   (REL TO GBR, JPN, KOR)
#
# Then try: kill -STOP the KOR process for a minute (its link drops), watch
# /api/feeds of JPN (its link to KOR down), kill -CONT it: the link
# resumes where it stopped.
set -eu
PICKET=${PICKET:-picket}
DIR=${1:-./picket-federation}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

seed=1
for feed in jpn-coast kor-shore gbr-sat; do
	if [ ! -f "$DIR/$feed/feed.nmea" ]; then
		"$PICKET" simulate --seed $seed --vessels 100 --hours 24 --out "$DIR/$feed" >/dev/null
	fi
	seed=$((seed + 1))
done
# One shared secret per linked pair, the same file on both sides.
for pair in JPN-KOR GBR-JPN GBR-KOR; do
	if [ ! -f "$DIR/$pair.secret" ]; then
		(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$DIR/$pair.secret")
	fi
done

feed() { # name partner label [file]
	echo "  - {name: $1, partner: $2, label: '$3'$( [ -n "${4:-}" ] && echo ", kind: file, file: '$4', speed: 60")}"
}

write() { # partner n port config-body
	cat >"$DIR/$1.yaml" <<YAML
listen: 127.0.0.1:809$2
data: $DIR/$1
$3
cluster:                       # a cluster of one node
  name: $(echo "$1" | tr 'A-Z' 'a-z')1
  listen: 127.0.0.1:623$2
  partitions: 4
YAML
}

write JPN 1 "feeds:
$(feed jpn-coast JPN 'REL TO JPN, GBR' "$DIR/jpn-coast/feed.nmea")
$(feed kor-shore KOR 'REL TO KOR, JPN')
$(feed gbr-sat GBR 'REL TO GBR, JPN, KOR')
federation:
  partner: JPN
  leaf_listen: 127.0.0.1:7422
  links:
    - {partner: KOR, secret_file: '$DIR/JPN-KOR.secret'}
    - {partner: GBR, secret_file: '$DIR/GBR-JPN.secret'}"

write KOR 2 "feeds:
$(feed kor-shore KOR 'REL TO KOR, JPN' "$DIR/kor-shore/feed.nmea")
$(feed gbr-sat GBR 'REL TO GBR, JPN, KOR')
federation:
  partner: KOR
  leaf_listen: 127.0.0.1:7423
  links:
    - {partner: JPN, url: 127.0.0.1:7422, secret_file: '$DIR/JPN-KOR.secret'}
    - {partner: GBR, secret_file: '$DIR/GBR-KOR.secret'}"

write GBR 3 "feeds:
$(feed gbr-sat GBR 'REL TO GBR, JPN, KOR' "$DIR/gbr-sat/feed.nmea")
$(feed jpn-coast JPN 'REL TO JPN, GBR')
federation:
  partner: GBR
  links:
    - {partner: JPN, url: 127.0.0.1:7422, secret_file: '$DIR/GBR-JPN.secret'}
    - {partner: KOR, url: 127.0.0.1:7423, secret_file: '$DIR/GBR-KOR.secret'}"

for p in JPN KOR GBR; do
	data="$DIR/$p"
	mkdir -p "$data"
	if [ ! -f "$data/access.json" ]; then
		for q in JPN KOR GBR; do "$PICKET" partner add $q --data "$data" 2>/dev/null; done
		"$PICKET" user add ops --partner $p --role admin --data "$data" 2>/dev/null
		"$PICKET" token create --user ops --data "$data" 2>/dev/null >"$DIR/$p.token"
	fi
done

pids=""
trap 'kill $pids 2>/dev/null; wait' INT TERM EXIT
n=1
for p in JPN KOR GBR; do
	"$PICKET" serve --config "$DIR/$p.yaml" 2>"$DIR/$p.log" &
	pids="$pids $!"
	echo "$p: pid $!, http://127.0.0.1:809$n/ (admin token in $DIR/$p.token, log in $DIR/$p.log)"
	n=$((n + 1))
done
echo "links and their lag: curl -H \"Authorization: Bearer \$(cat $DIR/JPN.token)\" http://127.0.0.1:8091/api/feeds"
wait
