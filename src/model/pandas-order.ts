/**
 * The order pandas 1.3 (numpy 1.19) gives `sort_values(ascending=False)`, ties included:
 * the Handbook ranks cards this way, so card precision@k on tied scores depends on it.
 * A port of numpy's generic introsort (`aquicksort`, the unstable default argsort) and of
 * pandas' `nargsort`, as the benchmark's score.py has it.
 */
const SMALL_QUICKSORT = 15;

/** Indices of `values` in numpy 1.19's `argsort(kind='quicksort')` order. */
export function introsortArgsort(values: ArrayLike<number>): number[] {
  const v = values;
  const num = v.length;
  const t = Array.from({ length: num }, (_, i) => i);
  if (num < 2) return t;
  const at = (i: number): number => v[t[i] as number] as number;
  const swap = (i: number, j: number): void => {
    const x = t[i] as number;
    t[i] = t[j] as number;
    t[j] = x;
  };
  let pl = 0;
  let pr = num - 1;
  const stack: Array<[number, number, number]> = [];
  // numpy: npy_get_msb(num) * 2, the index of the highest set bit.
  let cdepth = (31 - Math.clz32(num)) * 2;
  for (;;) {
    if (cdepth < 0) {
      heapsort(v, t, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (at(pm) < at(pl)) swap(pm, pl);
        if (at(pr) < at(pm)) swap(pr, pm);
        if (at(pm) < at(pl)) swap(pm, pl);
        const vp = at(pm);
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do pi++;
          while (at(pi) < vp);
          do pj--;
          while (vp < at(pj));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        cdepth--;
        if (pi - pl < pr - pi) {
          stack.push([pi + 1, pr, cdepth]);
          pr = pi - 1;
        } else {
          stack.push([pl, pi - 1, cdepth]);
          pl = pi + 1;
        }
      }
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = t[pi] as number;
        const vp = v[vi] as number;
        let pj = pi;
        while (pj > pl && vp < at(pj - 1)) {
          t[pj] = t[pj - 1] as number;
          pj--;
        }
        t[pj] = vi;
      }
    }
    const next = stack.pop();
    if (!next) return t;
    [pl, pr, cdepth] = next;
  }
}

/** numpy's aheapsort on t[lo, lo + n), the introsort's fallback past its depth budget. */
function heapsort(v: ArrayLike<number>, t: number[], lo: number, count: number): void {
  const get = (i: number): number => t[lo + i - 1] as number;
  const put = (i: number, x: number): void => {
    t[lo + i - 1] = x;
  };
  const sift = (tmp: number, start: number, child: number, n: number): void => {
    let i = start;
    let j = child;
    while (j <= n) {
      if (j < n && (v[get(j)] as number) < (v[get(j + 1)] as number)) j++;
      if ((v[tmp] as number) < (v[get(j)] as number)) {
        put(i, get(j));
        i = j;
        j += j;
      } else break;
    }
    put(i, tmp);
  };
  let n = count;
  for (let l = n >> 1; l > 0; l--) sift(get(l), l, l << 1, n);
  while (n > 1) {
    const tmp = get(n);
    put(n, get(1));
    n--;
    sift(tmp, 1, 2, n);
  }
}

/** Row order of pandas 1.3's `sort_values(ascending=False)` (nargsort: argsort of the reversed values, reversed back). */
export function pandasDescendingOrder(values: ArrayLike<number>): number[] {
  const n = values.length;
  const reversed = Array.from({ length: n }, (_, i) => values[n - 1 - i] as number);
  return introsortArgsort(reversed)
    .map((i) => n - 1 - i)
    .reverse();
}
