# Sourced by ./mvnw, ./run and .ci/run: makes JAVA_HOME point at a JDK >= 21.
# These machines' default java is 17; a newer JDK usually sits beside it under /usr/lib/jvm.
till_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}
till_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(till_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  # mvnw runs with 'set -f'; the search below needs globbing.
  case $- in *f*) set +f; till_restore_noglob=1 ;; esac
  for candidate in /usr/lib/jvm/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -x "$candidate/bin/javac" ] && [ "$(till_java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      JAVA_HOME="$candidate"
      export JAVA_HOME
      [ -z "${till_restore_noglob-}" ] || set -f
      return 0
    fi
  done
  echo "Till needs a JDK 21 or newer. None found in JAVA_HOME (${JAVA_HOME:-unset}) or /usr/lib/jvm." >&2
  echo "Install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
  return 1
}
till_find_jdk || exit 1
