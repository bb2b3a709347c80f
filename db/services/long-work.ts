/** What long work (imports, exports, migrations) gets from its caller: a cancel signal and a progress sink. */
export interface LongWork {
  signal?: AbortSignal;
  progress?: (done: number, total?: number, message?: string) => void;
}
