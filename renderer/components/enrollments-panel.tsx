import {
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { enrollmentStatuses } from '../../db/models/enums';
import { formatDate } from '../format';
import {
  useEnrollmentsList,
  useUnenrollMany,
  useUnenrollPreview,
  type Enrollment,
  type EnrollmentStatus,
} from '../hooks/use-enrollments';
import { usePageCommands } from '../hooks/use-page-commands';
import { DataGrid, gridColumnHelper } from './data-grid';
import { EmptyState } from './empty-state';
import { EnrolUsersForm } from './enrol-users-form';
import { ENROLLMENT_STATUS_COLORS, ENROLLMENT_STATUS_LABELS } from './enrollment-status';
import { ErrorAlert } from './error-alert';
import { ListStatus } from './list-status';

const SEARCH_DEBOUNCE_MS = 250;

const column = gridColumnHelper<Enrollment>();

const enrollmentColumns = [
  column.accessor('fullName', { header: 'Learner' }),
  column.accessor('email', { header: 'Email' }),
  column.accessor('status', {
    header: 'Status',
    cell: (info) => (
      <Badge variant="dot" color={ENROLLMENT_STATUS_COLORS[info.getValue()]}>
        {ENROLLMENT_STATUS_LABELS[info.getValue()]}
      </Badge>
    ),
  }),
  column.accessor('enrolledAt', {
    header: 'Enrolled',
    cell: (info) => formatDate(info.getValue()),
  }),
  column.accessor('completedAt', {
    header: 'Completed',
    cell: (info) => {
      const value = info.getValue();
      return value ? formatDate(value) : '—';
    },
  }),
];

/** The columns, with a checkbox per row for those who may unenrol. */
function columnsFor(
  selection: { isSelected: (id: string) => boolean; toggle: (id: string) => void } | null,
) {
  if (!selection) return column.columns(enrollmentColumns);
  const select = column.display({
    id: 'select',
    header: () => <VisuallyHidden>Select</VisuallyHidden>,
    cell: (info) => (
      <Checkbox
        aria-label={`Select ${info.row.original.fullName}`}
        checked={selection.isSelected(info.row.original.id)}
        onChange={() => selection.toggle(info.row.original.id)}
      />
    ),
  });
  return column.columns([select, ...enrollmentColumns]);
}

const COLUMN_WIDTHS: Readonly<Record<string, string>> = {
  select: '6%',
  fullName: '26%',
  email: '30%',
  status: '12%',
  enrolledAt: '13%',
  completedAt: '13%',
};

interface EnrollmentsPanelProps {
  courseId: string;
  isReadOnly: boolean;
}

/** Who is enrolled in the course: a grid to search and filter, bulk enrol, and bulk unenrol the selected. */
export function EnrollmentsPanel({ courseId, isReadOnly }: EnrollmentsPanelProps) {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<EnrollmentStatus | 'all'>('all');
  const [debouncedSearch] = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const list = useEnrollmentsList(courseId, { search: debouncedSearch, status });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [isEnrolling, setIsEnrolling] = useState(false);
  const [isUnenrolling, setIsUnenrolling] = useState(false);
  const columns = useMemo(
    () =>
      columnsFor(
        isReadOnly
          ? null
          : {
              isSelected: (id) => selected.has(id),
              toggle: (id) =>
                setSelected((previous) => {
                  const next = new Set(previous);
                  if (!next.delete(id)) next.add(id);
                  return next;
                }),
            },
      ),
    [isReadOnly, selected],
  );
  const isFiltered = search.trim() !== '' || status !== 'all';
  const startEnrolling = (): void => setIsEnrolling(true);
  useHotkeys([['shift+E', () => !isReadOnly && startEnrolling()]]);
  usePageCommands(
    useMemo(
      () =>
        isReadOnly ? [] : [{ id: 'enrol-users', label: 'Enrol users', onClick: startEnrolling }],
      [isReadOnly],
    ),
  );
  const enrolButton = !isReadOnly && (
    <Button onClick={startEnrolling} aria-keyshortcuts="Shift+E">
      Enrol users
    </Button>
  );
  const shownIds = list.items.map((enrollment) => enrollment.id);
  const isAllShownSelected = shownIds.length > 0 && shownIds.every((id) => selected.has(id));

  return (
    <Stack h={560}>
      <Group justify="space-between">
        <Title order={2} size="h3">
          Enrollments
        </Title>
        <Group gap="xs">
          {!isReadOnly && selected.size > 0 && (
            <Button color="red" variant="light" onClick={() => setIsUnenrolling(true)}>
              Unenrol {selected.size} selected…
            </Button>
          )}
          {enrolButton}
        </Group>
      </Group>
      <Group align="flex-end">
        <TextInput
          label="Search enrollments"
          description="By learner name or email"
          type="search"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={300}
        />
        <NativeSelect
          label="Status"
          data={[
            { value: 'all', label: 'Every status' },
            ...enrollmentStatuses.map((value) => ({
              value,
              label: ENROLLMENT_STATUS_LABELS[value],
            })),
          ]}
          value={status}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setStatus(enrollmentStatuses.find((each) => each === value) ?? 'all');
          }}
        />
        {!isReadOnly && shownIds.length > 0 && (
          <Button
            variant="default"
            onClick={() => setSelected(isAllShownSelected ? new Set() : new Set(shownIds))}
          >
            {isAllShownSelected ? 'Clear selection' : `Select all ${shownIds.length} shown`}
          </Button>
        )}
      </Group>
      <ListStatus
        noun={['enrollment', 'enrollments']}
        count={list.items.length}
        isPending={list.isPending}
        hasMore={list.hasNextPage}
        isFetching={list.isFetching}
      />
      {list.isError ? (
        <ErrorAlert
          title="Couldn't load the enrollments"
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : list.isPending ? (
        <Loader size="sm" aria-label="Loading enrollments" />
      ) : list.items.length === 0 ? (
        isFiltered ? (
          <EmptyState title="No enrollments match these filters">
            Search for a shorter part of the name or email, or pick Every status.
          </EmptyState>
        ) : (
          <EmptyState title="Nobody is enrolled yet" action={enrolButton}>
            {isReadOnly
              ? 'Learners appear here once an admin or the instructor enrols them.'
              : 'Enrol learners with Enrol users (Shift+E): pick them by name, or paste a list of emails.'}
          </EmptyState>
        )
      ) : (
        <DataGrid
          label="Enrollments"
          rows={list.items}
          columns={columns}
          columnWidths={COLUMN_WIDTHS}
          getRowId={(enrollment) => enrollment.id}
          hasMore={list.hasNextPage}
          isLoadingMore={list.isFetchingNextPage}
          onLoadMore={() => void list.fetchNextPage()}
        />
      )}
      <Modal
        opened={isEnrolling}
        onClose={() => setIsEnrolling(false)}
        title="Enrol users"
        size="lg"
      >
        {isEnrolling && <EnrolUsersForm courseId={courseId} onDone={() => setIsEnrolling(false)} />}
      </Modal>
      <UnenrollDialog
        courseId={courseId}
        enrollmentIds={isUnenrolling ? [...selected] : []}
        onClose={() => setIsUnenrolling(false)}
        onDone={() => {
          setSelected(new Set());
          setIsUnenrolling(false);
        }}
      />
    </Stack>
  );
}

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

interface UnenrollDialogProps {
  courseId: string;
  /** The enrollments to remove; none while the dialog is closed. */
  enrollmentIds: readonly string[];
  onClose: () => void;
  onDone: () => void;
}

/** Confirms a bulk unenrol, saying first how many go and what progress and attempts go with them. */
function UnenrollDialog({ courseId, enrollmentIds, onClose, onDone }: UnenrollDialogProps) {
  const preview = useUnenrollPreview(courseId, enrollmentIds);
  const unenroll = useUnenrollMany(courseId);
  const effect = preview.data;
  const close = (): void => {
    unenroll.reset();
    onClose();
  };
  return (
    <Modal opened={enrollmentIds.length > 0} onClose={close} title="Unenrol the selected learners?">
      <Stack>
        {preview.isError ? (
          <ErrorAlert
            title="Couldn't tell what would be removed"
            error={preview.error}
            onRetry={() => void preview.refetch()}
          />
        ) : !effect ? (
          <Loader size="sm" aria-label="Counting what would be removed" />
        ) : (
          <Text size="sm">
            This removes {counted(effect.enrollments, 'enrollment', 'enrollments')}, and with them{' '}
            {counted(effect.lessonProgress, 'lesson progress record', 'lesson progress records')}{' '}
            and {counted(effect.quizAttempts, 'quiz attempt', 'quiz attempts')}. It can't be undone;
            enrolling them again starts them afresh.
          </Text>
        )}
        {unenroll.isError && <ErrorAlert title="Couldn't unenrol" error={unenroll.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} data-autofocus>
            Keep them enrolled
          </Button>
          <Button
            color="red"
            disabled={!effect}
            loading={unenroll.isPending}
            onClick={() =>
              unenroll.mutate(
                { courseId, enrollmentIds: [...enrollmentIds] },
                {
                  onSuccess: (removed) => {
                    notifications.show({
                      title: 'Unenrolled',
                      message: `${counted(removed.enrollments, 'enrollment', 'enrollments')} removed.`,
                    });
                    onDone();
                  },
                },
              )
            }
          >
            {effect ? `Unenrol ${counted(effect.enrollments, 'learner', 'learners')}` : 'Unenrol'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
