#!/usr/bin/env bash
# Starts, stops and asks after a Corral server, as Apache ZooKeeper's bin/zkServer.sh does:
#
#   corral-server.sh [--config <conf-dir>] {start|start-foreground|stop|restart|status|print-cmd|version} [zoo.cfg]
#
# The config is $ZOOCFGDIR/$ZOOCFG (default conf/zoo.cfg); a file name given as the last argument is looked up in
# the configuration directory, a path (with a /) is used as it is. The pid file is corral_server.pid in the config's
# dataDir ($ZOOPIDFILE overrides). Logs: $CORRAL_LOG_DIR (default logs/), a size- and time-rolled
# corral-USER-server-HOST.log (conf/logback.xml) and the JVM's own output in corral-USER-server-HOST.out.
# JVM flags: SERVER_JVMFLAGS and JVMFLAGS from conf/java.env, then $CORRAL_JAVA_OPTS.
#
#   start             starts the server in the background and waits until it answers on its client port
#                     (STARTED) or its process exits (FAILED TO START, with the server's message); exit 1 then,
#                     and exit 1 if a server from this config is already running
#   start-foreground  runs the server in this process (for systemd Type=simple, containers); logs also go to the
#                     console at $CORRAL_CONSOLE_THRESHOLD (default INFO)
#   stop              SIGTERM, waits up to $CORRAL_STOP_TIMEOUT seconds (default 30), then SIGKILL
#   status            asks the server with the srvr four-letter word and prints its "Mode: ..." line;
#                     exit 1 when it does not answer
#   print-cmd         prints the java command that start would run
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corral-env.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/corral-env.sh"
shift "$CORRAL_ARGS_SHIFT"

me="$(basename "$0")"
usage() {
  echo "Usage: $me [--config <conf-dir>] {start|start-foreground|stop|restart|status|print-cmd|version} [zoo.cfg]" >&2
  exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
command="$1"
cfg_arg="${2:-}"
case "$command" in
  start|start-foreground|stop|restart|status|print-cmd|version) ;;
  *) usage ;;
esac

# The config file: an argument, else $ZOOCFG; a bare name is in ZOOCFGDIR, a path is taken as it is.
cfg="${cfg_arg:-${ZOOCFG:-zoo.cfg}}"
case "$cfg" in
  */*) ;;
  *) cfg="$ZOOCFGDIR/$cfg" ;;
esac

die() { echo "$me: $*" >&2; exit 1; }

# cfg_value KEY: the value of KEY in the config (the last one, as java.util.Properties reads it), or nothing.
cfg_value() {
  local key="${1//./\\.}"
  sed -n -e 's/\r$//' -e "s/^[[:space:]]*${key}[[:space:]]*[=:][[:space:]]*//p" "$cfg" | tail -n 1 \
    | sed -e 's/[[:space:]]*$//'
}

# four_letter HOST PORT WORD: the server's answer to a four-letter word (bash's /dev/tcp, no nc needed);
# fails when nothing answers within 5 seconds.
four_letter() {
  # shellcheck disable=SC2016  # the inner bash expands them
  timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf %s "$3" >&3 && cat <&3' _ "$1" "$2" "$3" 2>/dev/null
}

# alive PID: the process exists and has not finished exiting (a zombie not yet reaped counts as gone)
alive() {
  kill -0 "$1" 2>/dev/null && ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"
}

# is_server PID: PID is a live Corral server process (not a stale pid file's recycled number). A process in the middle
# of exiting has an empty command line: it still counts until it is gone.
is_server() {
  local cmdline
  if [ -z "$1" ] || ! alive "$1"; then
    return 1
  fi
  cmdline="$(tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" || true)"
  [ -z "$cmdline" ] || [[ "$cmdline" == *dev.corral.server.Main* ]]
}

running_pid() { # prints the pid of the server this pid file belongs to, if it runs
  local pid
  [ -f "$pidfile" ] || return 1
  pid="$(tr -dc '0-9' < "$pidfile")"
  is_server "$pid" || return 1
  echo "$pid"
}

if [ "$command" != version ]; then
  [ -r "$cfg" ] || die "cannot read config file $cfg (copy conf/zoo_sample.cfg to conf/zoo.cfg, or name a config: $me $command path/to/zoo.cfg)"
  echo "Using config: $cfg" >&2
  cfg_dir="$(cd "$(dirname "$cfg")" && pwd)"
  cfg="$cfg_dir/$(basename "$cfg")"
  data_dir="$(cfg_value dataDir)"
  [ -n "$data_dir" ] || die "dataDir is not set in $cfg (key 'dataDir'): the data directory also holds the pid file"
  case "$data_dir" in
    /*) ;;
    *) data_dir="$cfg_dir/$data_dir" ;; # Corral resolves a relative dataDir against the config's directory
  esac
  pidfile="${ZOOPIDFILE:-$data_dir/corral_server.pid}"
  mkdir -p "$(dirname "$pidfile")" || die "cannot create $(dirname "$pidfile") for the pid file"
  mkdir -p "$CORRAL_LOG_DIR" || die "cannot create the log directory $CORRAL_LOG_DIR (set CORRAL_LOG_DIR)"
  CORRAL_LOG_DIR="$(cd "$CORRAL_LOG_DIR" && pwd)"
  user="${USER:-$(id -un)}"
  log_file="corral-$user-server-${HOSTNAME:-$(hostname)}.log"
  out_file="$CORRAL_LOG_DIR/corral-$user-server-${HOSTNAME:-$(hostname)}.out"

  # The client address and port to ask: clientPortAddress/clientPort, else server.<myid>=...;[addr:]port.
  client_addr="$(cfg_value clientPortAddress)"
  client_port="$(cfg_value clientPort)"
  if ! [[ "$client_port" =~ ^[0-9]+$ ]]; then
    myid="$(cat "$data_dir/myid" 2>/dev/null || true)"
    client_spec="$(cfg_value "server.$myid")"
    if [[ "$myid" =~ ^[0-9]+$ ]] && [[ "$client_spec" == *";"* ]]; then
      client_spec="${client_spec##*;}"
      client_port="${client_spec##*:}"
      [[ "$client_spec" == *:* ]] && client_addr="${client_spec%:*}"
    else
      client_port=2181
    fi
  fi
  case "$client_addr" in
    ""|0.0.0.0|"::"|"[::]") client_addr=127.0.0.1 ;;
  esac

  java_cmd=("$JAVA" "-Dcorral.log.dir=$CORRAL_LOG_DIR" "-Dcorral.log.file=$log_file")
  if [ -f "$ZOOCFGDIR/logback.xml" ]; then
    java_cmd+=("-Dlogback.configurationFile=$ZOOCFGDIR/logback.xml")
  fi
  java_cmd+=(-XX:+HeapDumpOnOutOfMemoryError "-XX:HeapDumpPath=$CORRAL_LOG_DIR" -XX:+ExitOnOutOfMemoryError)
  extra_flags=()
  read -r -a extra_flags <<< "$SERVER_JVMFLAGS $JVMFLAGS ${CORRAL_JAVA_OPTS:-}"
  java_cmd+=(-cp "$CLASSPATH" "${extra_flags[@]}")
  main=(dev.corral.server.Main "$cfg")
fi

case "$command" in
start)
  if pid="$(running_pid)"; then
    echo "Corral is already running as process $pid (pid file $pidfile)."
    exit 1
  fi
  echo -n "Starting Corral ... "
  nohup "${java_cmd[@]}" -Dcorral.console.threshold=OFF "${main[@]}" > "$out_file" 2>&1 < /dev/null &
  pid=$!
  if ! echo -n "$pid" > "$pidfile"; then
    kill "$pid" 2>/dev/null || true
    echo "FAILED TO WRITE PID to $pidfile"
    exit 1
  fi
  deadline=$((SECONDS + ${CORRAL_START_TIMEOUT:-30}))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      code=0
      wait "$pid" || code=$?
      rm -f "$pidfile"
      echo "FAILED TO START (exit code $code)"
      grep -v '^[[:space:]]*$' "$out_file" | tail -n 20 >&2 || true
      echo "(the server's output is in $out_file, its log in $CORRAL_LOG_DIR/$log_file)" >&2
      exit 1
    fi
    if [ -n "$(four_letter "$client_addr" "$client_port" srvr || true)" ]; then
      echo "STARTED (process $pid, clients at $client_addr:$client_port)"
      exit 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "STARTED (process $pid), but it has not answered on $client_addr:$client_port within" \
        "${CORRAL_START_TIMEOUT:-30}s; see $CORRAL_LOG_DIR/$log_file"
      exit 0
    fi
    sleep 0.2
  done
  ;;
start-foreground)
  if pid="$(running_pid)"; then
    echo "Corral is already running as process $pid (pid file $pidfile)." >&2
    exit 1
  fi
  # This shell's pid is the JVM's after exec: stop and status work for a foreground server too.
  echo -n "$$" > "$pidfile"
  exec "${java_cmd[@]}" "-Dcorral.console.threshold=${CORRAL_CONSOLE_THRESHOLD:-INFO}" "${main[@]}"
  ;;
print-cmd)
  printf '%q ' "${java_cmd[@]}" -Dcorral.console.threshold=OFF "${main[@]}"
  printf '> %q 2>&1 < /dev/null\n' "$out_file"
  ;;
stop)
  echo -n "Stopping Corral ... "
  if [ ! -f "$pidfile" ]; then
    echo "no Corral server to stop (could not find file $pidfile)"
    exit 0
  fi
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    echo "no Corral server to stop (the process in $pidfile is not running; file removed)"
    exit 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + ${CORRAL_STOP_TIMEOUT:-30}))
  while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.2
  done
  if alive "$pid"; then
    echo -n "still running after ${CORRAL_STOP_TIMEOUT:-30}s, sending SIGKILL ... "
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.2; done
  fi
  rm -f "$pidfile"
  echo STOPPED
  ;;
restart)
  "$0" --config "$ZOOCFGDIR" stop "$cfg"
  "$0" --config "$ZOOCFGDIR" start "$cfg"
  ;;
status)
  echo "Client port found: $client_port. Client address: $client_addr. Client SSL: false."
  reply="$(four_letter "$client_addr" "$client_port" srvr || true)"
  mode="$(printf '%s\n' "$reply" | grep '^Mode:' || true)"
  if [ -n "$mode" ]; then
    echo "$mode"
    exit 0
  fi
  case "$reply" in
    *"not in the whitelist"*)
      echo "The server answers, but srvr is not in 4lw.commands.whitelist of $cfg: cannot ask it for its mode." ;;
    *"not currently serving"*)
      echo "The server answers, but is not serving requests yet (electing a leader or catching up)." ;;
    *)
      echo "Error contacting service. It is probably not running." ;;
  esac
  exit 1
  ;;
version)
  jar="$(compgen -G "$CORRAL_HOME/lib/coord-server-*.jar" | head -n 1 || true)"
  version="${jar##*/coord-server-}"
  echo "Corral ${version%.jar} (ZooKeeper client protocol 3.9; bundled zkCli: $(compgen -G "$CORRAL_HOME/lib/zookeeper-3*.jar" | sed 's/.*zookeeper-//; s/\.jar$//'))"
  ;;
*)
  usage
  ;;
esac
