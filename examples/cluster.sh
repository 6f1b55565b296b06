#!/bin/sh
# Starts a three-node picket cluster on this machine (docs/cluster.md):
# nodes n1, n2 and n3, their cluster routes on 127.0.0.1:6222-6224, their
# APIs on http://127.0.0.1:8081-8083/. One simulated feed runs on n1; every
# node's API shows its vessels and events. Stop with Ctrl-C (all three).
#
#   examples/cluster.sh [DIR]      # DIR: where the nodes keep their data (default ./picket-cluster)
#
# Then try: kill -9 one node's pid (printed below) and watch the others'
# logs take its partitions over within a few seconds; start it again with
# the same command line (printed too) and it catches up.
set -eu
PICKET=${PICKET:-picket}
DIR=${1:-./picket-cluster}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

if [ ! -f "$DIR/sim/feed.nmea" ]; then
	"$PICKET" simulate --seed 1 --vessels 200 --hours 24 --out "$DIR/sim" >/dev/null
fi

for i in 1 2 3; do
	data="$DIR/n$i"
	mkdir -p "$data"
	cat >"$DIR/n$i.yaml" <<YAML
listen: 127.0.0.1:808$i
data: $data
feeds:                         # every node lists every feed of the cluster
  - name: sim
    partner: KOR
    label: REL TO KOR
    kind: file
    file: $DIR/sim/feed.nmea
    speed: 60                  # a minute of data a second
    node: n1                   # runs on n1 only
cluster:
  name: n$i
  listen: 127.0.0.1:622$((i + 1))
  routes: [127.0.0.1:6222, 127.0.0.1:6223, 127.0.0.1:6224]
  partitions: 8
YAML
	if [ ! -f "$data/access.json" ]; then
		"$PICKET" partner add KOR --data "$data" 2>/dev/null
		"$PICKET" user add analyst --partner KOR --role analyst --data "$data" 2>/dev/null
		"$PICKET" token create --user analyst --data "$data" 2>/dev/null >"$DIR/n$i.token"
	fi
done

pids=""
trap 'kill $pids 2>/dev/null; wait' INT TERM EXIT
for i in 1 2 3; do
	"$PICKET" serve --config "$DIR/n$i.yaml" 2>"$DIR/n$i.log" &
	pids="$pids $!"
	echo "n$i: pid $!, http://127.0.0.1:808$i/ (token in $DIR/n$i.token, log in $DIR/n$i.log)"
	echo "    restart: $PICKET serve --config $DIR/n$i.yaml"
done
echo "ask any node, e.g.: curl -H \"Authorization: Bearer \$(cat $DIR/n2.token)\" http://127.0.0.1:8082/api/events"
wait
