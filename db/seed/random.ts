/** The dice of `db seed`: small helpers over Math.random (demo data needs no secure randomness). */

export const randomInt = (below: number): number => Math.floor(Math.random() * below);
export const chance = (probability: number): boolean => Math.random() < probability;
export const between = (fromMs: number, toMs: number): number =>
  fromMs + Math.random() * (toMs - fromMs);

export function itemAt<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`No item at ${index} in a list of ${list.length}`);
  return item;
}

export const pick = <T>(list: readonly T[]): T => itemAt(list, randomInt(list.length));

/** Picks a value by weight: `[['a', 3], ['b', 1]]` gives `a` three times as often. */
export function pickWeighted<T>(weighted: readonly (readonly [T, number])[]): T {
  let roll = Math.random() * weighted.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return pick(weighted)[0];
}

/** `count` distinct integers below `range` (Floyd's algorithm: no shuffle of the whole range). */
export function sampleDistinct(count: number, range: number): Set<number> {
  const chosen = new Set<number>();
  for (let candidate = range - count; candidate < range; candidate++) {
    const roll = randomInt(candidate + 1);
    chosen.add(chosen.has(roll) ? candidate : roll);
  }
  return chosen;
}

/** Demo addresses from the documentation ranges (RFC 5737): plausible, but nobody's. */
export function randomIp(): string {
  return `${pick(['192.0.2', '198.51.100', '203.0.113'])}.${1 + randomInt(254)}`;
}
