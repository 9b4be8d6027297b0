#!/usr/bin/env bash
# Sourced by corral-server.sh and corral-cli.sh (as ZooKeeper's zkEnv.sh is by zkServer.sh and zkCli.sh): finds the
# installation, the configuration directory, Java, the class path, and reads conf/java.env.
#
#   CORRAL_HOME     the unpacked release (the parent of this bin/ directory; symlinked scripts are followed)
#   ZOOCFGDIR       configuration directory (default $CORRAL_HOME/conf; `--config DIR` as the first argument too)
#   ZOOCFG          config file name in ZOOCFGDIR, or a path (default zoo.cfg)
#   CORRAL_LOG_DIR  log directory (default $CORRAL_HOME/logs)
#   JAVA_HOME       the JDK/JRE to use (default: java on PATH; Java 17 or newer)
#   SERVER_JVMFLAGS, CLIENT_JVMFLAGS, JVMFLAGS   JVM flags, usually set in $ZOOCFGDIR/java.env (a bash file)
#   CORRAL_SERVER_HEAP / CORRAL_CLIENT_HEAP      heap in MB (-Xmx; defaults 1000 and 256, as ZooKeeper's)

# shellcheck disable=SC2034  # the variables set here are used by the scripts that source this file

CORRAL_BIN_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
CORRAL_HOME="${CORRAL_HOME:-$(cd "$CORRAL_BIN_DIR/.." && pwd)}"

if [ "${1:-}" = "--config" ]; then
  if [ -z "${2:-}" ]; then
    echo "$(basename "$0"): --config needs a configuration directory" >&2
    exit 2
  fi
  ZOOCFGDIR="$2"
  CORRAL_ARGS_SHIFT=2
else
  CORRAL_ARGS_SHIFT=0
fi
ZOOCFGDIR="${ZOOCFGDIR:-$CORRAL_HOME/conf}"
if [ ! -d "$ZOOCFGDIR" ]; then
  echo "$(basename "$0"): configuration directory $ZOOCFGDIR does not exist" >&2
  exit 2
fi
ZOOCFGDIR="$(cd "$ZOOCFGDIR" && pwd)"

# java.env may extend these (SERVER_JVMFLAGS="-Xms1g $SERVER_JVMFLAGS"): they must be set before it is read.
SERVER_JVMFLAGS="${SERVER_JVMFLAGS:-}"
CLIENT_JVMFLAGS="${CLIENT_JVMFLAGS:-}"
JVMFLAGS="${JVMFLAGS:-}"
if [ -f "$ZOOCFGDIR/java.env" ]; then
  set +u
  # shellcheck source=/dev/null
  . "$ZOOCFGDIR/java.env"
  set -u
fi

CORRAL_LOG_DIR="${CORRAL_LOG_DIR:-$CORRAL_HOME/logs}"

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  JAVA="$(command -v java)"
else
  echo "$(basename "$0"): no java found: set JAVA_HOME or put java (17 or newer) on PATH" >&2
  exit 1
fi

if ! compgen -G "$CORRAL_HOME/lib/*.jar" >/dev/null; then
  echo "$(basename "$0"): no jars in $CORRAL_HOME/lib: is this an unpacked Corral release?" >&2
  exit 1
fi
CLASSPATH="$CORRAL_HOME/lib/*"

SERVER_JVMFLAGS="-Xmx${CORRAL_SERVER_HEAP:-1000}m $SERVER_JVMFLAGS"
CLIENT_JVMFLAGS="-Xmx${CORRAL_CLIENT_HEAP:-256}m $CLIENT_JVMFLAGS"
