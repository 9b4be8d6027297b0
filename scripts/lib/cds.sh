# Shared by the scripts: class-data sharing (AppCDS) for server JVMs.
#
# Loading and linking some 3,000 classes is most of a server JVM's start-up: about 0.8 s of the 1.8 s a Corral
# follower took from kill -9 to serving again, measured on the 2-core development machine. A JDK 17 dynamic archive
# of the classes a server used cuts that. The JVM writes one when it exits normally (SIGTERM, Ctrl-C; not kill -9),
# so the first run of a new jar trains it and every later start maps it. The JVM itself checks an archive against
# the jar (path, size, mtime) and ignores, with a warning, one that does not match. CORRAL_CDS=0 turns this off.

# cds_opts ARCHIVE NEWER_THAN: the JVM flags that use ARCHIVE if it is newer than the file NEWER_THAN (the jar, or
# the classpath list), or else write it at the JVM's exit.
cds_opts() {
  local archive="$1" newer_than="$2"
  [ "${CORRAL_CDS:-1}" = 0 ] && return 0
  # Only errors: dumping warns about every JDK-internal class it skips.
  if [ -s "$archive" ] && [ "$archive" -nt "$newer_than" ]; then
    echo "-Xlog:cds*=error -XX:SharedArchiveFile=$archive"
  else
    rm -f "$archive"
    echo "-Xlog:cds*=error -XX:ArchiveClassesAtExit=$archive"
  fi
}
