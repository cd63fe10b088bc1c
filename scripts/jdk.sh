# Sourced by ./sluice, ./build, .ci/run and bench/run: sets JAVA_HOME to a JDK 21 or later, or
# stops with a message saying what to install. Order: $JAVA_HOME, the JVM folders, java on the PATH.

sluice_java_major() { # prints the major version of the java binary $1, or nothing
  local home release
  home=$(dirname "$(dirname "$1")")
  release="$home/release"
  if [ -f "$release" ]; then # reading the JDK's release file is much faster than starting a JVM
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1
    return
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

sluice_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(sluice_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(sluice_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(sluice_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then best="$candidate"; fi
  fi
  [ -n "$best" ] && echo "$best"
}

JAVA_HOME=$(sluice_find_jdk) || true
if [ -z "$JAVA_HOME" ]; then
  echo "sluice needs a JDK 21 or later and found none (checked \$JAVA_HOME, /usr/lib/jvm and the PATH)." >&2
  echo "Install one, for example: apt-get install openjdk-21-jdk (or Temurin 21+), or set JAVA_HOME to it." >&2
  exit 2
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries use sun.misc.Unsafe, which JDK 23+ warns about on every build: allow it quietly.
if [ "$(sluice_java_major "$JAVA_HOME/bin/java")" -ge 23 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
