# Loopback port helpers shared by the broker scripts. Sourced, not run; the sourcing script defines
# HOST and die().
# shellcheck shell=bash

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# A random port in 20000-59999 that nothing answers on.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    port_open "$p" || {
      echo "$p"
      return
    }
  done
  die "no free port found"
}
