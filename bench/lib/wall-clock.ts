// Wall-clock milliseconds with sub-millisecond steps, comparable between the bench, its reader processes and
// the servers: latencies here are one process's receive time minus another's send time.
//
// `performance.timeOrigin + performance.now()` alone is not: the origin is read once, when the process or
// thread starts, and the monotonic clock stops while the virtual machine is paused where the wall clock does
// not. After such a pause, processes started before and after it disagreed by 1.8 s and then 16.4 s (every
// refresh→receive of a run was off by that much, and emit→receive came out negative). So the monotonic clock
// is anchored to Date.now() and re-anchored whenever the two part by more than Date.now()'s own millisecond.
let anchor = Date.now() - performance.now();

export function wallNow(): number {
  const monotonic = anchor + performance.now();
  const wall = Date.now();
  if (Math.abs(monotonic - wall) > 2) {
    anchor = wall - performance.now();
    return wall;
  }
  return monotonic;
}
