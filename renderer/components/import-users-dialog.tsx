import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  ScrollArea,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { request } from '../api';
import type { ChannelOutput } from '../../electron/api/contract';
import { useLongCall } from '../hooks/use-long-call';
import { FileDropZone } from './file-drop-zone';
import { ErrorAlert } from './error-alert';
import { LongCallProgress } from './long-call-progress';

type ImportResult = ChannelOutput<'users.import'>;

/** The file as read, and what the dry run found in it. */
interface CheckedFile {
  name: string;
  csv: string;
  result: ImportResult;
}

interface ImportUsersDialogProps {
  opened: boolean;
  onClose: () => void;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * Imports users from a CSV file in two steps: the file is checked first and every bad row
 * reported with its line, column and what is wrong, before anything is written; only a clean file
 * can be imported, with progress and a way to cancel. A fixed file is simply chosen again.
 */
export function ImportUsersDialog({ opened, onClose }: ImportUsersDialogProps) {
  const client = useQueryClient();
  const [skipExisting, setSkipExisting] = useState(false);
  const [checked, setChecked] = useState<CheckedFile | null>(null);

  const check = useLongCall(
    ({ name, csv, skipExisting }: { name: string; csv: string; skipExisting: boolean }, hooks) =>
      request('users.import', { csv, dryRun: true, skipExisting }, hooks).then(
        (result): CheckedFile => ({ name, csv, result }),
      ),
    { onSuccess: setChecked },
  );
  const write = useLongCall(
    (csv: string, hooks) => request('users.import', { csv, skipExisting }, hooks),
    {
      onSuccess: (result) => {
        void client.invalidateQueries({ queryKey: ['users.list'] });
        notifications.show({
          title: 'Users imported',
          message: `${plural(result.created, 'user was', 'users were')} created${
            result.skipped > 0
              ? `; ${result.skipped} already existed and were left as they are`
              : ''
          }.`,
        });
        close();
      },
    },
  );

  const close = (): void => {
    check.cancel();
    setChecked(null);
    check.reset();
    write.reset();
    onClose();
  };

  const readFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    setChecked(null);
    write.reset();
    check.mutate({ name: file.name, csv: await file.text(), skipExisting });
  };

  const result = checked?.result;
  const isClean = result !== undefined && result.problems.length === 0;

  return (
    <Modal opened={opened} onClose={close} title="Import users from CSV" size="xl">
      <Stack gap="md">
        <Text size="sm">
          Columns <Code>email</Code>, <Code>full_name</Code>, <Code>role</Code> (student,
          instructor, admin or support), and optionally <Code>is_active</Code> and{' '}
          <Code>metadata</Code>. The file is checked first: nothing is written until every row is
          right.
        </Text>
        <FileDropZone
          label="CSV file"
          prompt="Drop a CSV file here, or choose one:"
          accept=".csv,text/csv"
          onFile={(file) => void readFile(file)}
        />
        <Checkbox
          label="Skip rows whose email already exists (instead of reporting them)"
          checked={skipExisting}
          onChange={(event) => {
            const isSkipping = event.currentTarget.checked;
            setSkipExisting(isSkipping);
            // The file's check depends on it: check the same file again.
            if (checked)
              check.mutate({ name: checked.name, csv: checked.csv, skipExisting: isSkipping });
          }}
          disabled={check.isPending || write.isPending}
        />
        {check.isPending && (
          <LongCallProgress
            label="Checking the file"
            progress={check.progress}
            onCancel={check.cancel}
          />
        )}
        {check.isError && <ErrorAlert title="Couldn't check the file" error={check.error} />}
        {checked && result && (
          <>
            {isClean ? (
              <Alert color="green" title={`${checked.name} is ready to import`}>
                {plural(result.created, 'user', 'users')} will be created
                {result.skipped > 0 ? `; ${result.skipped} already exist and will be skipped` : ''}.
              </Alert>
            ) : (
              <Alert color="red" title={`${checked.name} has problems; nothing was imported`}>
                {plural(result.problems.length, 'problem', 'problems')} in{' '}
                {plural(result.rows, 'row', 'rows')};{' '}
                {plural(
                  result.rows - new Set(result.problems.map((p) => p.line)).size,
                  'row is',
                  'rows are',
                )}{' '}
                fine. Fix the rows below in the file, save it, and choose it again.
              </Alert>
            )}
            {!isClean && (
              <ScrollArea.Autosize mah={300}>
                <Table withTableBorder striped aria-label="Problems in the file">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Line</Table.Th>
                      <Table.Th scope="col">Column</Table.Th>
                      <Table.Th scope="col">Problem</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {result.problems.map((problem, index) => (
                      <Table.Tr key={`${problem.line}-${problem.column ?? ''}-${index}`}>
                        <Table.Td>{problem.line}</Table.Td>
                        <Table.Td>{problem.column ?? '—'}</Table.Td>
                        <Table.Td>{problem.message}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            )}
            {isClean && result.preview.length > 0 && (
              <ScrollArea.Autosize mah={240}>
                <Table withTableBorder aria-label="Users to be created">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Line</Table.Th>
                      <Table.Th scope="col">Email</Table.Th>
                      <Table.Th scope="col">Name</Table.Th>
                      <Table.Th scope="col">Role</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {result.preview.map((row) => (
                      <Table.Tr key={row.line}>
                        <Table.Td>{row.line}</Table.Td>
                        <Table.Td>{row.email}</Table.Td>
                        <Table.Td>{row.fullName}</Table.Td>
                        <Table.Td>{row.role}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            )}
          </>
        )}
        {write.isPending && (
          <LongCallProgress
            label="Import progress"
            progress={write.progress}
            expectedTotal={result?.created}
            onCancel={write.cancel}
          />
        )}
        {write.isError && <ErrorAlert title="The import stopped" error={write.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {isClean ? 'Cancel' : 'Close'}
          </Button>
          {isClean && (
            <Button
              onClick={() => checked && write.mutate(checked.csv)}
              loading={write.isPending}
              disabled={result.created === 0}
            >
              Import {plural(result.created, 'user', 'users')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
