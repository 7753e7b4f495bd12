// Runs scenarios concurrently, bounded twice: by a count (`--jobs`) and by a weight budget, so that
// eight scenarios of twenty peers each do not start 160 processes at once on a 2-core machine and
// make good scenarios time out. Pure scheduling; nothing here knows what a scenario is.

export interface PoolLimits {
  /** at most this many items at once (`--jobs`) */
  jobs: number;
  /** the summed weight of the items running at once stays within this... */
  budget: number;
  /** ...except that an item heavier than the whole budget still runs, alone */
  weight: (index: number) => number;
}

/**
 * Runs `work` over `items`, in order: the next item starts once a job slot is free and its weight
 * fits in what the running items leave of the budget, or nothing else runs. Strictly first come,
 * first served (no lighter item overtakes a waiting heavy one), so nothing waits forever.
 * Results keep the items' order.
 */
export async function mapPool<T, R>(items: T[], limits: PoolLimits, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let load = 0;
    let failed = false;
    const pump = (): void => {
      while (!failed && next < items.length && mayStart(running, load, limits.weight(next), limits)) {
        const i = next++;
        const weight = limits.weight(i);
        running++;
        load += weight;
        work(items[i]!, i).then(
          (result) => {
            results[i] = result;
            running--;
            load -= weight;
            if (next === items.length && running === 0) resolve(results);
            else pump();
          },
          (err: unknown) => {
            failed = true;
            reject(err);
          },
        );
      }
    };
    if (items.length === 0) resolve(results);
    else pump();
  });
}

/** Whether an item of `weight` may start beside `running` items of total weight `load`. */
export function mayStart(running: number, load: number, weight: number, limits: Pick<PoolLimits, 'jobs' | 'budget'>): boolean {
  if (running === 0) return true;
  return running < limits.jobs && load + weight <= limits.budget;
}
