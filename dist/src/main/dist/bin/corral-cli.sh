#!/usr/bin/env bash
# Apache ZooKeeper 3.9.5's own command-line client (zkCli, org.apache.zookeeper.ZooKeeperMain), bundled in lib/.
# Arguments pass through as to zkCli.sh:
#   corral-cli.sh [--config <conf-dir>] [-server host:port] [-timeout ms] [-r] [command args...]
# With a command it runs that one command and exits with its status; without, it is interactive.
# Logging goes to the console at WARN (conf/logback-cli.xml; CORRAL_CLI_LOG_LEVEL=INFO for more). JVM flags come from
# CLIENT_JVMFLAGS and JVMFLAGS (conf/java.env), e.g. -Dzookeeper.client.secure=true.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corral-env.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/corral-env.sh"
shift "$CORRAL_ARGS_SHIFT"

jvm_flags=()
read -r -a jvm_flags <<< "$CLIENT_JVMFLAGS $JVMFLAGS"
log_args=()
if [ -f "$ZOOCFGDIR/logback-cli.xml" ]; then
  log_args=("-Dlogback.configurationFile=$ZOOCFGDIR/logback-cli.xml"
            "-Dcorral.cli.log.level=${CORRAL_CLI_LOG_LEVEL:-WARN}")
fi

exec "$JAVA" "${log_args[@]}" -cp "$CLASSPATH" "${jvm_flags[@]}" org.apache.zookeeper.ZooKeeperMain "$@"
