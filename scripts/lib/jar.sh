# Shared by the scripts: where the server jar is, and (re)building it when a main source is newer.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$repo/coord-server/target/coord-server-0.1.0-SNAPSHOT-all.jar"

jar_is_stale() {
  [ -f "$jar" ] || return 0
  [ -n "$(find "$repo/coord-server/src/main" "$repo/zab-core/src/main" "$repo/pom.xml" \
      "$repo/coord-server/pom.xml" "$repo/zab-core/pom.xml" -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}

ensure_jar() {
  if jar_is_stale; then
    echo "building $jar ..." >&2
    # shellcheck disable=SC2086
    (cd "$repo" && mvn -B -q ${CORRAL_MVN_OPTS:-} -pl coord-server -am package -Dmaven.test.skip=true) >&2
    [ -f "$jar" ] || { echo "build did not produce $jar" >&2; exit 1; }
    touch "$jar"
  fi
}
