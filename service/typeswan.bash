# bash completion for typeswan(8). Install as /usr/share/bash-completion/completions/typeswan
# (or source it). Completes commands, IOS words of show/clear/debug/initiate, options, and
# the configuration files of -c.

_typeswan_words() {
  # The IOS words that may follow the words typed so far after show|clear|debug|initiate.
  local path="$1"
  case "$path" in
    show) echo "crypto debugging" ;;
    "show crypto") echo "isakmp ipsec map session engine ca key" ;;
    "show crypto ca") echo "certificates" ;;
    "show crypto key") echo "mypubkey" ;;
    "show crypto key mypubkey") echo "rsa" ;;
    "show crypto isakmp") echo "sa policy" ;;
    "show crypto isakmp sa") echo "detail" ;;
    "show crypto ipsec") echo "sa transform-set" ;;
    "show crypto ipsec sa") echo "peer detail" ;;
    "show crypto session") echo "detail" ;;
    "show crypto engine") echo "connections" ;;
    "show crypto engine connections") echo "active" ;;
    clear) echo "crypto" ;;
    "clear crypto") echo "sa isakmp" ;;
    "clear crypto sa") echo "peer" ;;
    debug) echo "crypto" ;;
    "debug crypto"*) echo "isakmp ipsec engine" ;;
    undebug) echo "all" ;;
    initiate) echo "crypto peer" ;;
    "initiate crypto") echo "map" ;;
  esac
}

_typeswan() {
  local cur prev commands options
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD - 1]}"
  commands="start check lab decode show clear debug undebug initiate list-sas counters events reload"
  if [ "$COMP_CWORD" -eq 1 ]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands --help --version" -- "$cur")
    return 0
  fi
  local command="${COMP_WORDS[1]}"
  case "$prev" in
    -c | --config | --keylog | --keys | --pcap)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0
      ;;
    --control)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0
      ;;
    --log-format)
      mapfile -t COMPREPLY < <(compgen -W "text journal json" -- "$cur")
      return 0
      ;;
    --log-level)
      mapfile -t COMPREPLY < <(compgen -W "emergencies alerts critical errors warnings notifications informational debugging" -- "$cur")
      return 0
      ;;
    --debug)
      mapfile -t COMPREPLY < <(compgen -W "isakmp ipsec engine isakmp,ipsec isakmp,ipsec,engine none" -- "$cur")
      return 0
      ;;
  esac
  case "$command" in
    start) options="-c --config --control --keylog --debug --tun --mtu --aggressive --force-encap --log-format --log-level --help" ;;
    check) options="-c --config --json --help" ;;
    lab) options="--list --config --loss --pcap --keylog --help" ;;
    decode) options="--keys --json --help" ;;
    show) options="--json --control --help" ;;
    debug) options="--log --control --help" ;;
    initiate) options="--no-wait --timeout --control --help" ;;
    list-sas) options="--peer --json --control --help" ;;
    counters | events) options="--json --control --help" ;;
    *) options="--control --help" ;;
  esac
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
    return 0
  fi
  if [ "$command" = lab ]; then
    mapfile -t COMPREPLY < <(compgen -W "psk aggressive nat-t rsa-sig one-to-many" -- "$cur")
    return 0
  fi
  if [ "$command" = decode ]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
  fi
  # The words typed after the command (options and their values left out).
  local words=("$command") i
  for ((i = 2; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      --control | --timeout | --peer) ((i++)) ;;
      -*) ;;
      *) words+=("${COMP_WORDS[i]}") ;;
    esac
  done
  mapfile -t COMPREPLY < <(compgen -W "$(_typeswan_words "${words[*]}")" -- "$cur")
  return 0
}

complete -F _typeswan typeswan
