import {
  createColumnHelper,
  FlexRender,
  type HeaderGroup,
  type Row,
  tableFeatures,
  useTable,
  type ColumnHelper,
  type RowData,
  type TableOptions,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Checkbox } from '@mantine/core';
import {
  createContext,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  type KeyboardEvent,
} from 'react';
import type { RowSelection } from '../hooks/use-row-selection';
import classes from './data-grid.module.css';

const ROW_HEIGHT_PX = 40;
/** Fetch the next page while this many loaded rows are still below the fold, so scrolling never waits. */
const LOAD_AHEAD_ROWS = 30;

/**
 * Keyboard movement between a grid's cells by row index. The grid draws only the rows in view,
 * so a cell further away doesn't exist until its row is scrolled to: this scrolls first, then
 * focuses the cell once it is drawn.
 */
export interface GridNavigation {
  /** Focuses the cell of `column` in row `rowIndex` (clamped to the loaded rows), scrolling it into view. */
  focusCell(column: string, rowIndex: number): void;
  /**
   * The row a key's move starts from: the row a previous move is still waiting to draw, if any,
   * else the focused cell's. Keys pressed faster than rows are drawn then each still count.
   */
  rowOfFocus(focusedRowIndex: number): number;
  /** How many rows a Page Up or Page Down moves: a screenful, less one for context. */
  pageRows(): number;
  /** The index of the last loaded row. */
  lastRowIndex: number;
}

const GridNavigationContext = createContext<GridNavigation | null>(null);

/** The navigation of the grid a cell is in; null outside a grid. */
export function useGridNavigation(): GridNavigation | null {
  return useContext(GridNavigationContext);
}

/** The table features every grid uses: the core row model, nothing more (the API sorts and filters). */
const gridFeatures = tableFeatures({});
type GridFeatures = typeof gridFeatures;

/** Declares a grid's columns, typed by its row. */
export function gridColumnHelper<T extends RowData>(): ColumnHelper<GridFeatures, T> {
  return createColumnHelper<GridFeatures, T>();
}

/** A grid's columns, as `gridColumnHelper<T>().columns([...])` makes them. */
export type GridColumns<T extends RowData> = TableOptions<GridFeatures, T>['columns'];

interface DataGridProps<T extends RowData> {
  /** The table's accessible name ("Users"). */
  label: string;
  rows: readonly T[];
  columns: GridColumns<T>;
  /** Each column's share of the width, by column id: names and emails need more room than a flag. */
  columnWidths: Readonly<Record<string, string>>;
  getRowId: (row: T) => string;
  hasMore: boolean;
  isLoadingMore: boolean;
  onLoadMore: () => void;
  /**
   * Makes rows selectable: a box per row (Shift extends from the last one toggled), one in the
   * header for every loaded row, Ctrl/Cmd+A anywhere in the grid, Escape to clear.
   */
  selection?: RowSelection;
  /** A row's name for its selection box ("Select ada@example.org"). */
  rowLabel?: (row: T) => string;
}

/**
 * A list as a table whose body renders only the rows in view (a spacer row above and below
 * stands for the rest), so a list of any length scrolls smoothly; it asks for more near the end.
 */
export function DataGrid<T extends RowData>({
  label,
  rows: data,
  columns,
  columnWidths,
  getRowId,
  hasMore,
  isLoadingMore,
  onLoadMore,
  selection,
  rowLabel = getRowId,
}: DataGridProps<T>) {
  const table = useTable({ features: gridFeatures, columns, data, getRowId });
  const rows = table.getRowModel().rows;
  return (
    <VirtualTable
      label={label}
      rows={rows}
      headerGroups={table.getHeaderGroups()}
      columnIds={table.getAllLeafColumns().map((column) => column.id)}
      columnWidths={columnWidths}
      hasMore={hasMore}
      isLoadingMore={isLoadingMore}
      onLoadMore={onLoadMore}
      selection={selection}
      rowLabel={rowLabel}
    />
  );
}

interface VirtualTableProps<T extends RowData> {
  label: string;
  rows: readonly Row<GridFeatures, T>[];
  headerGroups: readonly HeaderGroup<GridFeatures, T>[];
  columnIds: readonly string[];
  columnWidths: Readonly<Record<string, string>>;
  hasMore: boolean;
  isLoadingMore: boolean;
  onLoadMore: () => void;
  selection: RowSelection | undefined;
  rowLabel: (row: T) => string;
}

const estimateRowSize = (): number => ROW_HEIGHT_PX;

/**
 * The scrolling part of the grid, a component of its own: scrolling re-renders only it, never
 * the table model above it, so a frame costs the rows in view whatever the list's length.
 */
function VirtualTable<T extends RowData>({
  label,
  rows,
  headerGroups,
  columnIds,
  columnWidths,
  hasMore,
  isLoadingMore,
  onLoadMore,
  selection,
  rowLabel,
}: VirtualTableProps<T>) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollerRef.current,
    estimateSize: estimateRowSize,
    // Rows drawn beyond the view: enough for one keypress of arrows, few enough for a fast fling.
    overscan: 5,
  });
  const visible = virtualizer.getVirtualItems();
  const lastVisibleIndex = visible.at(-1)?.index ?? -1;
  // The cell a move is waiting for: its row is drawn by the render that the scroll causes.
  const pendingFocus = useRef<{ selector: string; row: number } | null>(null);
  useLayoutEffect(() => {
    const selector = pendingFocus.current?.selector;
    if (selector === undefined) return;
    const cell = scrollerRef.current?.querySelector<HTMLElement>(selector);
    if (cell) {
      pendingFocus.current = null;
      cell.focus();
    }
  });
  const navigation = useMemo<GridNavigation>(
    () => ({
      lastRowIndex: rows.length - 1,
      pageRows: () =>
        Math.max(1, Math.floor((scrollerRef.current?.clientHeight ?? 0) / ROW_HEIGHT_PX) - 1),
      focusCell(column, rowIndex) {
        if (rows.length === 0) return;
        const index = Math.max(0, Math.min(rows.length - 1, rowIndex));
        virtualizer.scrollToIndex(index, { align: 'auto' });
        const selector = `[data-cell-column="${CSS.escape(column)}"][data-cell-row="${index}"]`;
        const cell = scrollerRef.current?.querySelector<HTMLElement>(selector);
        pendingFocus.current = cell ? null : { selector, row: index };
        cell?.focus();
      },
      rowOfFocus: (rowIndex) => pendingFocus.current?.row ?? rowIndex,
    }),
    [rows.length, virtualizer],
  );

  useEffect(() => {
    if (hasMore && !isLoadingMore && lastVisibleIndex >= rows.length - LOAD_AHEAD_ROWS) {
      onLoadMore();
    }
  }, [hasMore, isLoadingMore, lastVisibleIndex, rows.length, onLoadMore]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (!selection) return;
    if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      selection.selectAll();
    } else if (event.key === 'Escape' && selection.count > 0) {
      event.preventDefault();
      selection.clear();
    }
  };
  const columnCount = columnIds.length + (selection ? 1 : 0);

  const paddingTop = visible[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (visible.at(-1)?.end ?? 0);

  return (
    <GridNavigationContext.Provider value={navigation}>
      <div
        ref={scrollerRef}
        className={classes.scroller}
        // Focusable so the list scrolls with the keyboard (arrows, Page Down), like any scroll box.
        tabIndex={0}
        role="region"
        aria-label={`${label} list`}
        onKeyDown={onKeyDown}
      >
        <table
          className={classes.table}
          aria-label={label}
          // -1: the total is unknown while more pages remain.
          aria-rowcount={hasMore ? -1 : rows.length + 1}
        >
          <colgroup>
            {selection && <col className={classes.selectColumn} />}
            {columnIds.map((id) => (
              <col key={id} style={{ width: columnWidths[id] }} />
            ))}
          </colgroup>
          <thead>
            {headerGroups.map((group) => (
              <tr key={group.id} aria-rowindex={1}>
                {selection && (
                  <th scope="col">
                    <Checkbox
                      aria-label={`Select all loaded ${label.toLowerCase()}`}
                      checked={selection.isAllSelected}
                      indeterminate={selection.count > 0 && !selection.isAllSelected}
                      onChange={() =>
                        selection.isAllSelected ? selection.clear() : selection.selectAll()
                      }
                    />
                  </th>
                )}
                {group.headers.map((header) => (
                  <th key={header.id} scope="col">
                    <FlexRender header={header} />
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {paddingTop > 0 && (
              <tr className={classes.spacer} aria-hidden="true">
                <td colSpan={columnCount} style={{ height: paddingTop }} />
              </tr>
            )}
            {visible.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              const isSelected = selection?.isSelected(row.id) ?? false;
              return (
                <tr
                  key={row.id}
                  className={classes.row}
                  data-selected={isSelected || undefined}
                  aria-rowindex={item.index + 2}
                >
                  {selection && (
                    <td>
                      {/* Native, not Mantine's: a fast scroll mounts dozens of these a frame. */}
                      <input
                        type="checkbox"
                        className={classes.rowCheckbox}
                        aria-label={`Select ${rowLabel(row.original)}`}
                        checked={isSelected}
                        onChange={(event) => {
                          const click = event.nativeEvent;
                          selection.toggle(
                            item.index,
                            click instanceof MouseEvent && click.shiftKey,
                          );
                        }}
                      />
                    </td>
                  )}
                  {row.getAllCells().map((cell) => (
                    <td key={cell.id}>
                      <FlexRender cell={cell} />
                    </td>
                  ))}
                </tr>
              );
            })}
            {paddingBottom > 0 && (
              <tr className={classes.spacer} aria-hidden="true">
                <td colSpan={columnCount} style={{ height: paddingBottom }} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </GridNavigationContext.Provider>
  );
}
