import { Loader, Text, TextInput, Tooltip } from '@mantine/core';
import { useState, type KeyboardEvent } from 'react';
import { useGridNavigation } from './data-grid';
import classes from './editable-cell.module.css';

interface EditableCellProps {
  /** What the cell holds, for its accessible name: "Text of question q1 in Quiz 3". */
  label: string;
  value: string;
  /** The grid column it belongs to, and its row's place: arrow keys move between cells by them. */
  column: string;
  rowIndex: number;
  isReadOnly: boolean;
  /** Checks and saves a new value; resolves to an error to show (the draft stays), or null once saved. */
  onSave: (draft: string) => Promise<string | null>;
}

/** The editable columns in order, for Left and Right. */
const EDITABLE_COLUMNS = ['text', 'points'];

/**
 * A grid cell a person can edit in place: focus it (Tab or click; arrows move between cells,
 * Page Up and Page Down by a screenful, Home and End to the first and last loaded row),
 * press Enter, F2 or type, or double-click, to edit; Enter saves, Escape cancels. A refused save
 * (a conflict, a bad value) keeps the draft and says why, so nothing typed is lost.
 */
export function EditableCell({
  label,
  value,
  column,
  rowIndex,
  isReadOnly,
  onSave,
}: EditableCellProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);
  const navigation = useGridNavigation();

  const startEditing = (initial = value): void => {
    if (isReadOnly) return;
    setDraft(initial);
    setProblem(null);
  };

  const save = async (): Promise<void> => {
    if (draft === null || isSaving) return;
    if (draft === value) {
      setDraft(null);
      return;
    }
    setIsSaving(true);
    const refusal = await onSave(draft);
    setIsSaving(false);
    if (refusal === null) {
      setDraft(null);
      setProblem(null);
    } else {
      setProblem(refusal);
    }
  };

  const onCellKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    const page = navigation?.pageRows() ?? 1;
    const last = navigation?.lastRowIndex ?? rowIndex;
    const from = navigation?.rowOfFocus(rowIndex) ?? rowIndex;
    // Where each key goes: a column step, and the row it lands on.
    const moves: Record<string, [number, number]> = {
      ArrowUp: [0, from - 1],
      ArrowDown: [0, from + 1],
      ArrowLeft: [-1, from],
      ArrowRight: [1, from],
      PageUp: [0, from - page],
      PageDown: [0, from + page],
      Home: [0, 0],
      End: [0, last],
    };
    const move = moves[event.key];
    if (move && navigation) {
      event.preventDefault();
      const [dx, targetRow] = move;
      const nextColumn = EDITABLE_COLUMNS[EDITABLE_COLUMNS.indexOf(column) + dx] ?? column;
      navigation.focusCell(nextColumn, targetRow);
    } else if (event.key === 'Enter' || event.key === 'F2') {
      event.preventDefault();
      startEditing();
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // Typing over a cell replaces its value, as in a spreadsheet.
      event.preventDefault();
      startEditing(event.key);
    }
  };

  if (draft !== null) {
    return (
      <Tooltip label={problem} opened={problem !== null} color="red" withinPortal multiline w={320}>
        <TextInput
          size="xs"
          aria-label={label}
          value={draft}
          autoFocus
          error={problem !== null}
          aria-invalid={problem !== null}
          aria-description={problem ?? undefined}
          rightSection={isSaving ? <Loader size="xs" /> : undefined}
          onChange={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              void save();
            } else if (event.key === 'Escape') {
              event.preventDefault();
              event.stopPropagation();
              setDraft(null);
              setProblem(null);
            }
          }}
        />
      </Tooltip>
    );
  }
  return (
    <div
      className={classes.cell}
      // Every cell is reachable by arrows; Tab reaches them in reading order.
      tabIndex={0}
      role="button"
      aria-label={isReadOnly ? `${label}: ${value}` : `${label}: ${value}. Press Enter to edit`}
      data-cell-column={column}
      data-cell-row={rowIndex}
      onKeyDown={onCellKey}
      onDoubleClick={() => startEditing()}
    >
      <Text span inherit>
        {value}
      </Text>
    </div>
  );
}
