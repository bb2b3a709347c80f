import { useCallback, useMemo, useRef, useState } from 'react';

/** Which rows of a list are selected, and the ways a person changes that. */
export interface RowSelection {
  count: number;
  isSelected: (id: string) => boolean;
  /** Whether every loaded row is selected (the header box shows it). */
  isAllSelected: boolean;
  /** Toggles row `index`; with `isRange` (Shift held), sets every row from the last one toggled to it alike. */
  toggle: (index: number, isRange: boolean) => void;
  selectAll: () => void;
  /** Selects exactly these rows (by id), loaded now or about to be. */
  selectIds: (ids: readonly string[]) => void;
  clear: () => void;
}

/**
 * Selection over a list's loaded rows, by id: it survives more pages arriving. Ids of rows no
 * longer in the list don't count, so a refreshed list never acts on rows the person can't see.
 */
export function useRowSelection<T>(rows: readonly T[], getId: (row: T) => string) {
  const [ids, setIds] = useState<ReadonlySet<string>>(() => new Set());
  // The row a Shift-click extends from: the last one toggled.
  const anchor = useRef<number | null>(null);
  const selectedRows = useMemo(() => rows.filter((row) => ids.has(getId(row))), [rows, ids, getId]);

  const toggle = useCallback(
    (index: number, isRange: boolean) => {
      const row = rows[index];
      if (row === undefined) return;
      const isSelecting = !ids.has(getId(row));
      const from = isRange && anchor.current !== null ? Math.min(anchor.current, index) : index;
      const to = isRange && anchor.current !== null ? Math.max(anchor.current, index) : index;
      const next = new Set(ids);
      for (const each of rows.slice(from, to + 1)) {
        if (isSelecting) next.add(getId(each));
        else next.delete(getId(each));
      }
      anchor.current = index;
      setIds(next);
    },
    [rows, ids, getId],
  );

  const selection: RowSelection = {
    count: selectedRows.length,
    isSelected: (id) => ids.has(id),
    isAllSelected: rows.length > 0 && selectedRows.length === rows.length,
    toggle,
    selectAll: () => setIds(new Set(rows.map(getId))),
    selectIds: (selected) => setIds(new Set(selected)),
    clear: () => {
      anchor.current = null;
      setIds(new Set());
    },
  };
  return { selection, selectedRows };
}
