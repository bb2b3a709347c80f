import {
  Alert,
  Button,
  Checkbox,
  Group,
  List,
  Loader,
  Paper,
  PasswordInput,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ConfirmDeleteModal } from '../components/confirm-delete-modal';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { LongCallProgress } from '../components/long-call-progress';
import { formatDateTime } from '../format';
import {
  linkConflictCount,
  linkCopiedCount,
  useForgetPassword,
  useRememberPassword,
  useResolveConflict,
  useSyncConflicts,
  useSyncLink,
  useSyncLinkPreview,
  useSyncRun,
  useSyncStatus,
  useSyncUnlink,
  type SyncConflict,
  type SyncLinkResult,
  type SyncStatus,
} from '../hooks/use-sync';

/** What a link will do (or did), in words: records copied, records to push, conflicts by kind. */
function LinkSummary({ result }: { result: SyncLinkResult }) {
  const { collisions, changedOnBoth, deletedOnOneSide, waiting } = result.conflicts;
  const conflicts = linkConflictCount(result);
  const kinds = [
    collisions > 0 &&
      `${collisions} with the same unique value (an email, a course slug) on a local and a central record`,
    changedOnBoth > 0 && `${changedOnBoth} changed on both sides`,
    deletedOnOneSide > 0 && `${deletedOnOneSide} deleted on one side only`,
    waiting > 0 && `${waiting} central record(s) that wait for one of those`,
  ].filter(Boolean);
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="What linking will do">
      <Stack gap={4}>
        <Title order={3} size="h5">
          What linking will do
        </Title>
        <List size="sm">
          <List.Item>{linkCopiedCount(result)} central record(s) will be copied here.</List.Item>
          {result.isMerge && (
            <List.Item>
              {result.localToPush} local record(s) made here will go to the central server with the
              next push, as new records.
            </List.Item>
          )}
          {result.isMerge && result.unchanged > 0 && (
            <List.Item>{result.unchanged} record(s) are already the same on both sides.</List.Item>
          )}
          {result.isMerge && (
            <List.Item>
              {conflicts === 0
                ? 'No conflicts: nothing here disagrees with the central server.'
                : `${conflicts} conflict(s) to resolve on this page: ${kinds.join('; ')}. Both versions are kept until you choose; a local record that belongs to one of those goes with the first push after it is resolved.`}
            </List.Item>
          )}
        </List>
      </Stack>
    </Paper>
  );
}

/**
 * The form that makes this database a working copy: the central URL and its password (kept in
 * memory for this session, or remembered encrypted on this computer when the person asks).
 */
function LinkForm() {
  const link = useSyncLink();
  const preview = useSyncLinkPreview();
  const [url, setUrl] = useState('');
  const [password, setPassword] = useState('');
  const [isRemembering, setIsRemembering] = useState(false);
  const input = { url, ...(password && { password }) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    link.mutate({ ...input, rememberPassword: isRemembering });
  };
  // A preview speaks for the URL it was made with.
  const previewed = preview.data && preview.variables?.url === url ? preview.data : undefined;
  const isBusy = link.isPending || preview.isPending;
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      onSubmit={submit}
      aria-label="Link to a central server"
    >
      <Stack gap="sm">
        <Title order={2} size="h4">
          Link to a central server
        </Title>
        <Text size="sm">
          Linking copies the central server's data into this database. Records made here before
          linking are kept: those the central server lacks go to it with the next push, and where a
          record here and a central one disagree (the same email or course slug, the same record
          changed on both sides) you get a conflict to resolve; nothing is overwritten. Preview
          first to see the numbers. Afterwards you work here, online or not, and push and pull when
          you like. The password is used for this app session only, unless you ask to remember it.
        </Text>
        <TextInput
          label="Central server URL"
          placeholder="postgres://USER@HOST:PORT/DATABASE"
          required
          value={url}
          onChange={(event) => setUrl(event.currentTarget.value)}
          disabled={isBusy}
        />
        <PasswordInput
          label="Password"
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          disabled={isBusy}
        />
        <Checkbox
          label="Remember the password on this computer"
          description="Kept encrypted, as connection profiles' passwords are, so push, pull and the online check need it no more. Forget it on this page at any time."
          checked={isRemembering}
          onChange={(event) => setIsRemembering(event.currentTarget.checked)}
          disabled={isBusy}
        />
        {previewed && <LinkSummary result={previewed} />}
        {link.isPending ? (
          <LongCallProgress label="Link progress" progress={link.progress} onCancel={link.cancel} />
        ) : preview.isPending ? (
          <LongCallProgress
            label="Preview progress"
            progress={preview.progress}
            onCancel={preview.cancel}
          />
        ) : (
          <Group>
            <Button
              variant="default"
              disabled={url.trim() === ''}
              onClick={() => preview.mutate(input)}
            >
              Preview
            </Button>
            <Button type="submit">Link and copy</Button>
          </Group>
        )}
        {preview.isError && <ErrorAlert title="No preview" error={preview.error} />}
        {link.isError && <ErrorAlert title="Not linked" error={link.error} />}
      </Stack>
    </Paper>
  );
}

/** One push or pull button, with its progress bar and Cancel while it runs. */
function SyncRunControl({ direction, password }: { direction: 'push' | 'pull'; password: string }) {
  const run = useSyncRun(direction);
  const label = direction === 'push' ? 'Push local changes' : 'Pull central changes';
  return (
    <Stack gap={4} miw={260}>
      {run.isPending ? (
        <LongCallProgress
          label={`${direction === 'push' ? 'Push' : 'Pull'} progress`}
          progress={run.progress}
          onCancel={run.cancel}
        />
      ) : (
        <Button
          variant={direction === 'push' ? 'filled' : 'light'}
          onClick={() => run.mutate(password ? { password } : {})}
        >
          {label}
        </Button>
      )}
      {run.isError && (
        <ErrorAlert title={`${direction === 'push' ? 'Push' : 'Pull'} stopped`} error={run.error} />
      )}
    </Stack>
  );
}

/** Unlink…, with a confirmation that says what goes (the link, the remembered password) and what stays. */
function UnlinkControl({ status }: { status: SyncStatus }) {
  const [isOpen, setIsOpen] = useState(false);
  const unlink = useSyncUnlink();
  const close = () => {
    setIsOpen(false);
    unlink.reset();
  };
  return (
    <>
      <Button variant="default" color="red" onClick={() => setIsOpen(true)}>
        Unlink…
      </Button>
      <ConfirmDeleteModal
        opened={isOpen}
        title="Unlink from the central server?"
        onClose={close}
        preview={{ isError: false, error: null, refetch: () => undefined }}
        intro={`This database stops syncing with ${status.centralUrl ?? 'its central server'}. It removes:`}
        removes={[
          'the link (push, pull and the online check stop)',
          ...(status.isPasswordRemembered ? ['the remembered central password'] : []),
          'nothing else: every record stays here, and linking again later merges',
        ]}
        deleteError={unlink.error ? { title: 'Not unlinked', error: unlink.error } : null}
        isDeleting={unlink.isPending}
        keepLabel="Stay linked"
        deleteLabel="Unlink"
        onConfirm={() => unlink.mutate(undefined, { onSuccess: () => setIsOpen(false) })}
      />
    </>
  );
}

function StatusPanel({ status }: { status: SyncStatus }) {
  const [password, setPassword] = useState('');
  const remember = useRememberPassword();
  const forget = useForgetPassword();
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {status.isOnline ? 'Online' : 'Offline'}: {status.centralUrl}
        </Title>
        {!status.isOnline && status.centralMessage && (
          <Alert color="gray" title="The central server does not answer">
            {status.centralMessage}
          </Alert>
        )}
        <Text size="sm">
          {status.pendingChanges} changed record(s) to push
          {status.unfinishedBatches > 0 &&
            `, ${status.unfinishedBatches} interrupted batch(es) to finish`}
          ; {status.openConflicts} open conflict(s). Last push:{' '}
          {status.lastPushedAt ? formatDateTime(status.lastPushedAt) : 'never'}; last pull:{' '}
          {status.lastPulledAt ? formatDateTime(status.lastPulledAt) : 'never'}.
        </Text>
        <Text size="sm">
          {status.isPasswordRemembered
            ? "The central server's password is remembered, encrypted on this computer. Type it here only if it changed: it is used for this session, and Remember password keeps the new one."
            : "The central server's password, if it asks for one: kept in memory for this session only, unless you remember it."}
        </Text>
        <Group align="flex-end">
          <PasswordInput
            label="Central server password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            w={360}
          />
          <Button
            variant="default"
            disabled={password === ''}
            loading={remember.isPending}
            onClick={() => remember.mutate({ password }, { onSuccess: () => setPassword('') })}
          >
            Remember password
          </Button>
          {status.isPasswordRemembered && (
            <Button
              variant="default"
              color="red"
              loading={forget.isPending}
              onClick={() => forget.mutate()}
            >
              Forget password
            </Button>
          )}
        </Group>
        {remember.isError && <ErrorAlert title="Not remembered" error={remember.error} />}
        {forget.isError && <ErrorAlert title="Not forgotten" error={forget.error} />}
        <Group align="flex-start">
          <SyncRunControl direction="push" password={password} />
          <SyncRunControl direction="pull" password={password} />
          <UnlinkControl status={status} />
        </Group>
      </Stack>
    </Paper>
  );
}

/** Bookkeeping columns follow from the choice; a person picks between the others. */
const BOOKKEEPING = new Set(['id', 'version', 'created_at', 'updated_at']);

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const KIND_TITLES: Record<SyncConflict['kind'], string> = {
  'update-update': 'Changed on both sides',
  'delete-update': 'Deleted on one side, changed on the other',
  'unique-collision': 'The same unique value on two records',
  rejected: 'Refused by the other database',
};

/** One conflict, field by field (local, central, base), resolved per field or as a whole. */
function ConflictCard({ conflict }: { conflict: SyncConflict }) {
  const resolve = useResolveConflict();
  const isCollision = conflict.kind === 'unique-collision';
  const isSame = (field: string) =>
    show(conflict.local?.[field]) === show(conflict.central?.[field]);
  const allFields = [
    ...new Set([...Object.keys(conflict.local ?? {}), ...Object.keys(conflict.central ?? {})]),
  ].filter((field) => !BOOKKEEPING.has(field));
  // A collision's colliding value is the same on both records, and it is the one a person gives
  // the local record anew: so a collision lists the fields alike too, first.
  const fields = isCollision
    ? [...allFields.filter(isSame), ...allFields.filter((field) => !isSame(field))]
    : allFields.filter((field) => !isSame(field));
  const [choices, setChoices] = useState<Record<string, 'local' | 'central'>>({});
  const [values, setValues] = useState<Record<string, string>>({});
  const hasBoth = conflict.local !== null && conflict.central !== null && !isCollision;
  const isEveryFieldChosen = fields.every((field) => choices[field]);
  const edited = Object.fromEntries(
    Object.entries(values).filter(([field, value]) => value !== show(conflict.local?.[field])),
  );
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="section"
      aria-label={`Conflict on ${conflict.tableName} ${conflict.recordId}`}
    >
      <Stack gap="xs">
        <Title order={3} size="h5">
          {KIND_TITLES[conflict.kind]}: {conflict.tableName} {conflict.recordId}
        </Title>
        <Text size="sm">{conflict.detail}</Text>
        {(!conflict.local || !conflict.central) && (
          <Text size="sm">
            Local: {conflict.local ? 'present' : 'deleted'}; central:{' '}
            {conflict.central ? 'present' : 'deleted'}.
          </Text>
        )}
        {fields.length > 0 && (
          <Table aria-label="Differing fields">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Field</Table.Th>
                <Table.Th scope="col">Local</Table.Th>
                <Table.Th scope="col">Central</Table.Th>
                <Table.Th scope="col">Base</Table.Th>
                {(hasBoth || isCollision) && (
                  <Table.Th scope="col">{isCollision ? 'New local value' : 'Keep'}</Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {fields.map((field) => (
                <Table.Tr key={field}>
                  <Table.Th scope="row">{field}</Table.Th>
                  <Table.Td>{show(conflict.local?.[field])}</Table.Td>
                  <Table.Td>{show(conflict.central?.[field])}</Table.Td>
                  <Table.Td>{show(conflict.base?.[field])}</Table.Td>
                  {hasBoth && (
                    <Table.Td>
                      <SegmentedControl
                        size="xs"
                        aria-label={`Keep which ${field}`}
                        data={[
                          { value: 'local', label: 'Local' },
                          { value: 'central', label: 'Central' },
                        ]}
                        value={choices[field] ?? ''}
                        onChange={(side) =>
                          setChoices({ ...choices, [field]: side as 'local' | 'central' })
                        }
                      />
                    </Table.Td>
                  )}
                  {isCollision && (
                    <Table.Td>
                      <TextInput
                        size="xs"
                        aria-label={`New local ${field}`}
                        value={values[field] ?? show(conflict.local?.[field])}
                        onChange={(event) =>
                          setValues({ ...values, [field]: event.currentTarget.value })
                        }
                      />
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group>
          {isCollision ? (
            <Button
              size="xs"
              disabled={Object.keys(edited).length === 0}
              loading={resolve.isPending}
              onClick={() =>
                resolve.mutate({ conflictId: conflict.id, take: 'local', values: edited })
              }
            >
              Keep local with the new values
            </Button>
          ) : (
            <Button
              size="xs"
              variant="default"
              loading={resolve.isPending}
              onClick={() => resolve.mutate({ conflictId: conflict.id, take: 'local' })}
            >
              Keep local
            </Button>
          )}
          <Button
            size="xs"
            variant="default"
            loading={resolve.isPending}
            onClick={() => resolve.mutate({ conflictId: conflict.id, take: 'central' })}
          >
            {isCollision ? 'Drop the local record, keep central' : 'Keep central'}
          </Button>
          {hasBoth && fields.length > 0 && (
            <Button
              size="xs"
              disabled={!isEveryFieldChosen}
              loading={resolve.isPending}
              onClick={() =>
                resolve.mutate({ conflictId: conflict.id, take: 'fields', fields: choices })
              }
            >
              Keep the chosen fields
            </Button>
          )}
        </Group>
        {resolve.isError && <ErrorAlert title="Not resolved" error={resolve.error} />}
      </Stack>
    </Paper>
  );
}

/** The open conflicts, a page at a time, with how many there are in all. */
function ConflictList({ openCount }: { openCount: number }) {
  const conflicts = useSyncConflicts();
  if (conflicts.isError) {
    return (
      <ErrorAlert
        title="Couldn't load the conflicts"
        error={conflicts.error}
        onRetry={() => void conflicts.refetch()}
      />
    );
  }
  if (conflicts.isPending) return <Loader size="sm" aria-label="Loading the conflicts" />;
  if (conflicts.items.length === 0) {
    return (
      <EmptyState title="No conflicts">
        Every change went through; nothing waits for a decision.
      </EmptyState>
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed" aria-live="polite">
        Showing {conflicts.items.length} of {Math.max(openCount, conflicts.items.length)} open
        conflict(s), newest first.
      </Text>
      {conflicts.items.map((conflict) => (
        <ConflictCard key={conflict.id} conflict={conflict} />
      ))}
      {conflicts.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void conflicts.fetchNextPage()}
          loading={conflicts.isFetchingNextPage}
        >
          Load more conflicts
        </Button>
      )}
    </Stack>
  );
}

/** Sync of this database with its central server: link, push, pull and the conflicts to resolve. */
export function SyncPage() {
  const status = useSyncStatus();
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Sync
      </Title>
      {status.isError ? (
        <ErrorAlert
          title="Couldn't read the sync status"
          error={status.error}
          onRetry={() => void status.refetch()}
        />
      ) : status.isPending ? (
        <Loader size="sm" aria-label="Loading the sync status" />
      ) : !status.data.isLinked ? (
        <LinkForm />
      ) : (
        <>
          <StatusPanel status={status.data} />
          <Title order={2} size="h4">
            Conflicts
          </Title>
          <ConflictList openCount={status.data.openConflicts} />
        </>
      )}
    </Stack>
  );
}
