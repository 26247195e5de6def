# Sourced by bin/jllm and bin/test: sets JAVA_HOME to a JDK 25 or newer (JAVA_HOME if it is one, else one
# installed beside the default JDK), or exits with a clear message.
jllm_find_java() {
  local candidates=() home v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for home in /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk*; do [ -d "$home" ] && candidates+=("$home"); done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] || continue
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$home"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME=$(jllm_find_java); then
  echo "jllm needs JDK 25 or newer. Set JAVA_HOME to it, or install one under /usr/lib/jvm (for example Temurin 25)." >&2
  exit 1
fi
export JAVA_HOME
