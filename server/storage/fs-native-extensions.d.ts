// The package ships no types; only the call EPay makes is declared.
declare module 'fs-native-extensions' {
  /** Takes an exclusive (or `shared`) lock on `fd` without waiting; false when another holder has it. */
  export function tryLock(fd: number, offset?: number, length?: number, opts?: { shared?: boolean }): boolean
}
