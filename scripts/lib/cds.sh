# Shared by the scripts: class-data sharing (AppCDS) for server JVMs.
#
# Loading and linking some 3,000 classes is most of a server JVM's start-up: about 0.8 s of the 1.8 s a Corral
# follower took from kill -9 to serving again, measured on the 2-core development machine. A JDK 17 dynamic archive
# of the classes a server used cuts that. The JVM writes one when it exits normally (SIGTERM, Ctrl-C; not kill -9),
# so the first run of a new jar trains it and every later start maps it. The JVM checks an archive against the jar
# (path, size, mtime) and ignores, with a warning, one that does not match. CORRAL_CDS=0 turns this off.
#
# JDK 17 does not check that an archive is whole: mapping one cut short (a kill -9 while the JVM was writing it)
# crashes the JVM with SIGBUS at start. So the JVM writes ARCHIVE.new, and the next start takes it as ARCHIVE only
# after a throwaway JVM has mapped it without crashing.

# cds_opts ARCHIVE NEWER_THAN CLASSPATH: the JVM flags that use ARCHIVE if it is newer than the file NEWER_THAN (the
# jar, or the classpath list), or else write a new one at the JVM's exit. CLASSPATH is the server's (for java -jar,
# the jar): an archive only maps under the class path it was written with.
cds_opts() {
  local archive="$1" newer_than="$2" classpath="$3" fresh="$1.new"
  [ "${CORRAL_CDS:-1}" = 0 ] && return 0
  if [ -f "$fresh" ]; then
    # The status, not the crash report bash would print for a JVM killed by a signal.
    local status
    status=$( { java -Xshare:on -XX:SharedArchiveFile="$fresh" -XX:ErrorFile=/dev/null -Xlog:all=off \
        -cp "$classpath" -version > /dev/null 2>&1; echo $?; } 2> /dev/null )
    if [ "$status" = 0 ]; then
      mv -f "$fresh" "$archive"
    else
      rm -f "$fresh"
    fi
  fi
  # Only errors: writing an archive warns about every JDK-internal class it skips.
  if [ -s "$archive" ] && [ "$archive" -nt "$newer_than" ]; then
    echo "-Xlog:cds*=error -XX:SharedArchiveFile=$archive"
  else
    rm -f "$archive"
    echo "-Xlog:cds*=error -XX:ArchiveClassesAtExit=$fresh"
  fi
}
