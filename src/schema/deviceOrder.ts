const DEVICE_NUMBER = /^(.*?)(\d+)$/;

/**
 * Orders device ids naturally (device_2 before device_10), as the simulator numbers them; other ids by
 * code unit, so the order never depends on the locale.
 * @example ['device_10', 'device_2'].sort(compareDeviceIds); // ['device_2', 'device_10']
 */
export function compareDeviceIds(a: string, b: string): number {
  if (a === b) return 0;
  const ma = DEVICE_NUMBER.exec(a);
  const mb = DEVICE_NUMBER.exec(b);
  if (ma && mb && ma[1] === mb[1] && ma[2]!.length <= 15 && mb[2]!.length <= 15) {
    const diff = Number(ma[2]) - Number(mb[2]);
    if (diff !== 0) return diff;
  }
  return a < b ? -1 : 1;
}
