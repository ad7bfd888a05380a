#!/bin/bash
# Usage: bench/tunnel.sh [seconds]        (root; strongSwan, iperf3 and the built addon needed)
#
# Single-stream TCP throughput (iperf3, ha -> hb) through four paths, for AES-128-GCM-16 and
# AES-128-CBC + HMAC-SHA1-96, in namespaces this script creates and removes:
#   plain       routed veths, no IPsec
#   ts-ts       typeswan (r1) <-> typeswan (r2): ESP over raw IP sockets
#   ts-sw       typeswan (r1) <-> strongSwan 5.9.8 (r2, kernel-libipsec: always ESP-in-UDP)
#   sw-sw       strongSwan <-> strongSwan (the baseline)
# Prints Gbit/s, the ratio to the strongSwan baseline, TCP retransmits and the CPU seconds used
# by the daemon on each router, then one JSON line per algorithm (the last one is AES-128-GCM):
#   {"alg":"aes128gcm16","plain_gbps":..,"typeswan_typeswan_gbps":..,"typeswan_strongswan_gbps":..,"strongswan_strongswan_gbps":..}
set -u
T=${1:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
P=${BENCH_PREFIX:-tswb}$$   # namespace prefix (unique per run: the PID)
DIR=$(mktemp -d)
PIDS=()
CHARON=/usr/lib/ipsec/charon
TYPESWAN=(node --import tsx "$ROOT/src/cli/main.ts")
[ -n "${BENCH_DIST:-}" ] && TYPESWAN=(node "$ROOT/dist/src/cli/main.js")

[ "$(id -u)" = 0 ] || { echo "bench/tunnel.sh: needs root (namespaces, TUN, raw sockets)" >&2; exit 2; }
for t in iperf3 swanctl python3; do command -v $t >/dev/null || { echo "bench/tunnel.sh: $t missing" >&2; exit 2; }; done
[ -x $CHARON ] || { echo "bench/tunnel.sh: $CHARON missing (strongswan-charon)" >&2; exit 2; }
[ -f "$ROOT/build/Release/typeswan_native.node" ] || { echo "bench/tunnel.sh: native addon not built (npm install)" >&2; exit 2; }

cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -KILL "$pid" 2>/dev/null; done
  for n in ha r1 r2 hb; do ip netns del $P-$n 2>/dev/null; done
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ns() { ip netns exec "$P-$1" "${@:2}"; }

# ---- topology (as test/interop/harness.ts) -------------------------------------------------
for n in ha r1 r2 hb; do ip netns add $P-$n; ip -n $P-$n link set lo up; done
ip link add ha-lan netns $P-ha type veth peer name r1-lan netns $P-r1
ip link add hb-lan netns $P-hb type veth peer name r2-lan netns $P-r2
ip link add r1-wan netns $P-r1 type veth peer name r2-wan netns $P-r2
ip -n $P-ha addr add 10.1.0.10/24 dev ha-lan; ip -n $P-r1 addr add 10.1.0.1/24 dev r1-lan
ip -n $P-hb addr add 10.2.0.10/24 dev hb-lan; ip -n $P-r2 addr add 10.2.0.1/24 dev r2-lan
ip -n $P-r1 addr add 192.0.2.1/24 dev r1-wan; ip -n $P-r2 addr add 192.0.2.2/24 dev r2-wan
for l in "ha ha-lan" "r1 r1-lan" "hb hb-lan" "r2 r2-lan" "r1 r1-wan" "r2 r2-wan"; do set -- $l; ip -n $P-$1 link set $2 up; done
ip -n $P-ha route add default via 10.1.0.1; ip -n $P-hb route add default via 10.2.0.1
ns r1 sysctl -qw net.ipv4.ip_forward=1; ns r2 sysctl -qw net.ipv4.ip_forward=1
sleep 1

cpu() { [ -n "$1" ] && [ -r /proc/$1/stat ] && awk '{print $14+$15}' /proc/$1/stat || echo 0; }

# iperf3 ha -> hb; prints "gbps retransmits"
iperf() {
  local name=$1
  ns hb iperf3 -s -1 -p 5201 >/dev/null 2>&1 & local s=$!
  sleep 0.5
  timeout $((T + 20)) ip netns exec $P-ha iperf3 -c 10.2.0.10 -p 5201 -t "$T" -J > "$DIR/iperf-$name.json" 2>/dev/null
  wait $s 2>/dev/null
  python3 - "$DIR/iperf-$name.json" <<'PY'
import json, sys
try:
    e = json.load(open(sys.argv[1]))["end"]
    print(f'{e["sum_received"]["bits_per_second"] / 1e9:.3f} {e["sum_sent"].get("retransmits", 0)}')
except Exception:
    print("0 -")
PY
}

# ---- strongSwan ----------------------------------------------------------------------------
charon_start() { # inst role
  local d=$DIR/$1; mkdir -p $d/{x509,x509ca,x509ocsp,x509aa,x509ac,x509crl,pubkey,private,rsa,ecdsa,bliss,pkcs8,pkcs12}
  cat > $d/strongswan.conf <<EOF
charon {
  load_modular = yes
  retransmit_tries = 3
  retransmit_timeout = 2.0
  plugins {
    include /etc/strongswan.d/charon/*.conf
    kernel-libipsec { load = yes }
    resolve { load = no }
    stroke { load = no }
    bypass-lan { load = no }
    forecast { load = no }
    farp { load = no }
    connmark { load = no }
    ha { load = no }
    dhcp { load = no }
    vici { socket = unix://$d/charon.vici }
  }
  filelog { lab { path = $d/charon.log
    default = 1 } }
}
EOF
  STRONGSWAN_CONF=$d/strongswan.conf ip netns exec $P-$2 unshare --mount --propagation private \
    sh -c "mount -t tmpfs -o size=1m,mode=0755 tswrun /run && exec $CHARON" >$d/stdout 2>&1 &
  echo $! > $d/pid; PIDS+=($!)
  for _ in $(seq 1 50); do [ -S $d/charon.vici ] && return 0; sleep 0.1; done
  echo "charon $1 did not start" >&2; return 1
}
charon_stop() { local pid; pid=$(cat $DIR/$1/pid); kill -TERM $pid 2>/dev/null; for _ in $(seq 1 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done; kill -KILL $pid 2>/dev/null; rm -f $DIR/$1/charon.vici; }
sw() { local inst=$1 cmd=$2; shift 2; SWANCTL_DIR=$DIR/$inst swanctl "$cmd" --uri unix://$DIR/$inst/charon.vici "$@"; }
swconf() { # inst local remote lts rts esp
  cat > $DIR/$1/bench.swanctl.conf <<EOF
connections { bench { version = 1
  local_addrs = $2
  remote_addrs = $3
  proposals = aes128-sha1-modp2048
  local { auth = psk
    id = $2 }
  remote { auth = psk
    id = $3 }
  children { net { local_ts = $4
    remote_ts = $5
    esp_proposals = $6 } } } }
secrets { ike-b { id-a = $2
  id-b = $3
  secret = "bench-psk" } }
EOF
  sw $1 --load-all --noprompt --file $DIR/$1/bench.swanctl.conf >/dev/null 2>&1
}

# ---- typeswan --------------------------------------------------------------------------------
ios() { # hostname lan wan peer acl transforms
  cat <<EOF
hostname $1
crypto isakmp policy 10
 encr aes
 hash sha
 authentication pre-share
 group 14
crypto isakmp key bench-psk address $4
crypto ipsec transform-set ts $6
crypto map vpn 10 ipsec-isakmp
 set peer $4
 set transform-set ts
 match address 101
interface Ethernet0/0
 ip address $2 255.255.255.0
interface Ethernet1/0
 ip address $3 255.255.255.0
 crypto map vpn
access-list 101 permit ip $5
EOF
}
ts_start() { # role name config-text
  echo "$3" > $DIR/$2.cfg
  ip netns exec $P-$1 "${TYPESWAN[@]}" start -c $DIR/$2.cfg --control $DIR/$2.sock --debug none >$DIR/$2.log 2>&1 &
  echo $! > $DIR/$2.pid; PIDS+=($!)
  for _ in $(seq 1 100); do [ -S $DIR/$2.sock ] && return 0; sleep 0.1; done
  echo "typeswan $2 did not start:" >&2; tail -5 $DIR/$2.log >&2; return 1
}
ts_stop() { local pid; pid=$(cat $DIR/$1.pid); kill -TERM $pid 2>/dev/null; for _ in $(seq 1 80); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done; kill -KILL $pid 2>/dev/null; }
up_by_traffic() { for _ in $(seq 1 20); do ns ha ping -c1 -W1 10.2.0.10 >/dev/null 2>&1 && return 0; done; return 1; }

declare -A R
run_case() { # key alg pid1 pid2
  local c1 c2 out; c1=$(cpu "$3"); c2=$(cpu "$4")
  out=$(iperf "$1-$2")
  R[$1-$2]="$out $(( $(cpu "$3") - c1 )) $(( $(cpu "$4") - c2 ))"
}

echo "bench/tunnel.sh: ${T}s per run, iperf3 single TCP stream ha -> hb"
for alg in cbc gcm; do
  if [ $alg = gcm ]; then SWESP=aes128gcm16; TSET="esp-gcm"; else SWESP=aes128-sha1; TSET="esp-aes esp-sha-hmac"; fi
  # plain routing (temporary routes)
  ip -n $P-r1 route add 10.2.0.0/24 via 192.0.2.2; ip -n $P-r2 route add 10.1.0.0/24 via 192.0.2.1
  run_case plain $alg "" ""
  ip -n $P-r1 route del 10.2.0.0/24 via 192.0.2.2; ip -n $P-r2 route del 10.1.0.0/24 via 192.0.2.1
  # strongSwan <-> strongSwan
  charon_start sw1 r1 && charon_start sw2 r2
  swconf sw2 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 $SWESP; swconf sw1 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 $SWESP
  if sw sw1 --initiate --child net --timeout 10 >/dev/null 2>&1; then run_case swsw $alg "$(cat $DIR/sw1/pid)" "$(cat $DIR/sw2/pid)"; else R[swsw-$alg]="0 - 0 0"; fi
  charon_stop sw1
  # typeswan <-> strongSwan (strongSwan r2 stays)
  ts_start r1 ts1-$alg "$(ios r1 10.1.0.1 192.0.2.1 192.0.2.2 '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255' "$TSET")"
  if up_by_traffic; then run_case tssw $alg "$(cat $DIR/ts1-$alg.pid)" "$(cat $DIR/sw2/pid)"; else R[tssw-$alg]="0 - 0 0"; fi
  ts_stop ts1-$alg; charon_stop sw2
  # typeswan <-> typeswan
  ts_start r2 ts2b-$alg "$(ios r2 10.2.0.1 192.0.2.2 192.0.2.1 '10.2.0.0 0.0.0.255 10.1.0.0 0.0.0.255' "$TSET")"
  ts_start r1 ts1b-$alg "$(ios r1 10.1.0.1 192.0.2.1 192.0.2.2 '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255' "$TSET")"
  if up_by_traffic; then run_case tsts $alg "$(cat $DIR/ts1b-$alg.pid)" "$(cat $DIR/ts2b-$alg.pid)"; else R[tsts-$alg]="0 - 0 0"; fi
  ts_stop ts1b-$alg; ts_stop ts2b-$alg
done

HZ=$(getconf CLK_TCK)
printf '%-6s %-26s %9s %9s %8s %9s %9s\n' alg path Gbit/s vs_sw-sw retr cpu_r1_s cpu_r2_s
for alg in cbc gcm; do
  read -r base _ <<<"${R[swsw-$alg]}"
  for k in plain tsts tssw swsw; do
    read -r g r c1 c2 <<<"${R[$k-$alg]}"
    ratio=$(python3 -c "b=float('$base');print(f'{float(\"$g\")/b:.2f}' if b>0 else '-')")
    case $k in plain) name="plain routing";; tsts) name="typeswan <-> typeswan";; tssw) name="typeswan <-> strongSwan";; swsw) name="strongSwan <-> strongSwan";; esac
    printf '%-6s %-26s %9s %9s %8s %9s %9s\n' $alg "$name" "$g" "$ratio" "$r" \
      "$(python3 -c "print(f'{$c1/$HZ:.2f}')")" "$(python3 -c "print(f'{$c2/$HZ:.2f}')")"
  done
done
for alg in cbc gcm; do
  name=$([ $alg = gcm ] && echo aes128gcm16 || echo aes128-sha1)
  printf '{"alg":"%s","plain_gbps":%s,"typeswan_typeswan_gbps":%s,"typeswan_strongswan_gbps":%s,"strongswan_strongswan_gbps":%s}\n' \
    $name $(for k in plain tsts tssw swsw; do read -r g _ <<<"${R[$k-$alg]}"; echo "$g"; done)
done
