/**
 * A process's peak resident memory, for `deno task bench`.
 *
 * @module
 */

/**
 * Samples a process's peak resident memory (VmHWM) every 10 ms on Linux.
 * Deno allows reading another process's /proc entry only with --allow-all,
 * so a bash loop reads it; its last reading is the peak (VmHWM only grows).
 */
export function watchPeakMemory(pid: number, { child = false } = {}) {
  // In a pseudo-terminal, the program is the child of \`script\`.
  const find = child
    ? `until pid=$(cat /proc/${pid}/task/${pid}/children 2>/dev/null) && [ -n "$pid" ]; do
  [ -e /proc/${pid}/status ] || exit 0; sleep 0.005
done
pid=\${pid%% *}`
    : `pid=${pid}`;
  const script = `${find}
peak=0
while [ -e /proc/$pid/status ]; do
  while read -r key value _; do
    [ "$key" = VmHWM: ] && peak=$value
  done < /proc/$pid/status 2>/dev/null
  sleep 0.01
done
echo "$peak"`;
  const sampler = new Deno.Command("bash", {
    args: ["-c", script],
    stdout: "piped",
    stderr: "null",
  }).output().then(
    ({ stdout }) => Number(new TextDecoder().decode(stdout).trim()) || 0,
    () => 0, // no bash: memory is not measured
  );
  return { stop: () => sampler };
}
