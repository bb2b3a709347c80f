import {
  Alert,
  Button,
  Checkbox,
  Group,
  List,
  NativeSelect,
  Pill,
  ScrollArea,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { enrollmentStatuses } from '../../db/models/enums';
import { emailSchema } from '../../db/schemas/auth';
import type { ChannelOutput } from '../../electron/api/contract';
import {
  useEnrollMany,
  useUserMatches,
  type EnrollmentStatus,
  type UserSummary,
} from '../hooks/use-enrollments';
import { ENROLLMENT_STATUS_LABELS } from './enrollment-status';
import { ErrorAlert } from './error-alert';

const SEARCH_DEBOUNCE_MS = 250;

/** Pasted text as emails: one per line, or separated by commas, semicolons or spaces. */
function parsePastedEmails(text: string): { valid: string[]; invalid: string[] } {
  const seen = new Set<string>();
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const token of text.split(/[\s,;]+/)) {
    if (token === '') continue;
    const parsed = emailSchema.safeParse(token);
    if (!parsed.success) {
      invalid.push(token);
      continue;
    }
    if (seen.has(parsed.data)) continue;
    seen.add(parsed.data);
    valid.push(parsed.data);
  }
  return { valid, invalid };
}

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

type EnrolResult = ChannelOutput<'enrollments.enrollMany'>;

interface EnrolUsersFormProps {
  courseId: string;
  onDone: () => void;
}

/**
 * Bulk enrolment in three steps: pick users by search and/or paste emails, review what will be
 * sent (bad emails named, nothing sent yet), then enrol and see what happened to every one.
 */
export function EnrolUsersForm({ courseId, onDone }: EnrolUsersFormProps) {
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const matches = useUserMatches(debouncedSearch);
  const [picked, setPicked] = useState<ReadonlyMap<string, UserSummary>>(new Map());
  const [pasted, setPasted] = useState('');
  const [status, setStatus] = useState<EnrollmentStatus>('active');
  const [isReviewing, setIsReviewing] = useState(false);
  const [result, setResult] = useState<EnrolResult | null>(null);
  const enrol = useEnrollMany(courseId);
  const emails = useMemo(() => parsePastedEmails(pasted), [pasted]);
  const total = picked.size + emails.valid.length;

  const togglePick = (user: UserSummary): void =>
    setPicked((previous) => {
      const next = new Map(previous);
      if (!next.delete(user.id)) next.set(user.id, user);
      return next;
    });

  if (result) {
    return (
      <Stack>
        <Alert
          color="green"
          title={`${counted(result.enrolled.length, 'learner', 'learners')} enrolled`}
        >
          {result.alreadyEnrolled.length > 0 &&
            `${counted(result.alreadyEnrolled.length, 'was', 'were')} already enrolled and left as they were. `}
          {result.unmatched.emails.length + result.unmatched.userIds.length === 0 &&
            'Everyone you named was found.'}
        </Alert>
        {result.unmatched.emails.length + result.unmatched.userIds.length > 0 && (
          <Alert color="orange" title="Not enrolled: no active user with these">
            <List size="sm">
              {[...result.unmatched.emails, ...result.unmatched.userIds].map((item) => (
                <List.Item key={item}>{item}</List.Item>
              ))}
            </List>
            <Text size="sm" mt="xs">
              Check the spelling, or create or reactivate them on the Users page first.
            </Text>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button onClick={onDone} data-autofocus>
            Done
          </Button>
        </Group>
      </Stack>
    );
  }

  if (isReviewing) {
    return (
      <Stack>
        <Text size="sm">
          Nothing is enrolled yet. {counted(total, 'user', 'users')} will be enrolled as{' '}
          {ENROLLMENT_STATUS_LABELS[status].toLowerCase()}; anyone already enrolled is left as they
          are.
        </Text>
        {picked.size > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Picked by name ({picked.size})
            </Text>
            <List size="sm">
              {[...picked.values()].map((user) => (
                <List.Item key={user.id}>
                  {user.fullName} ({user.email})
                </List.Item>
              ))}
            </List>
          </Stack>
        )}
        {emails.valid.length > 0 && (
          <Text size="sm">
            <strong>{counted(emails.valid.length, 'pasted email', 'pasted emails')}</strong>:{' '}
            {emails.valid.join(', ')}
          </Text>
        )}
        {emails.invalid.length > 0 && (
          <Alert
            color="orange"
            title={`${counted(emails.invalid.length, 'line is', 'lines are')} not an email and will be left out`}
          >
            {emails.invalid.join(', ')}
          </Alert>
        )}
        {enrol.isError && <ErrorAlert title="Couldn't enrol" error={enrol.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setIsReviewing(false)}>
            Back
          </Button>
          <Button
            data-autofocus
            loading={enrol.isPending}
            onClick={() =>
              enrol.mutate(
                { courseId, userIds: [...picked.keys()], emails: emails.valid, status },
                { onSuccess: setResult },
              )
            }
          >
            Enrol {counted(total, 'user', 'users')}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack>
      <Tabs defaultValue="search">
        <Tabs.List aria-label="How to name users">
          <Tabs.Tab value="search">Find by name</Tabs.Tab>
          <Tabs.Tab value="paste">Paste emails</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="search" pt="sm">
          <Stack gap="xs">
            <TextInput
              label="Find users"
              description="By name or email; tick each one to enrol."
              type="search"
              data-autofocus
              value={search}
              onChange={(event) => setSearch(event.currentTarget.value)}
            />
            {matches.isError && <ErrorAlert title="Couldn't search users" error={matches.error} />}
            {debouncedSearch.trim() !== '' && matches.data && (
              <ScrollArea.Autosize mah={220}>
                {matches.data.items.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    No active user matches “{debouncedSearch.trim()}”.
                  </Text>
                ) : (
                  <Stack gap={6} role="group" aria-label="Matching users">
                    {matches.data.items.map((user) => (
                      <Checkbox
                        key={user.id}
                        label={`${user.fullName} (${user.email})`}
                        checked={picked.has(user.id)}
                        onChange={() => togglePick(user)}
                      />
                    ))}
                  </Stack>
                )}
              </ScrollArea.Autosize>
            )}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="paste" pt="sm">
          <Textarea
            label="Emails"
            description="One per line, or separated by commas."
            autosize
            minRows={4}
            maxRows={12}
            value={pasted}
            onChange={(event) => setPasted(event.currentTarget.value)}
          />
          {pasted.trim() !== '' && (
            <Text size="sm" mt={4} c={emails.invalid.length > 0 ? 'red' : undefined}>
              {counted(emails.valid.length, 'email', 'emails')}
              {emails.invalid.length > 0 && `; not an email: ${emails.invalid.join(', ')}`}
            </Text>
          )}
        </Tabs.Panel>
      </Tabs>
      {picked.size > 0 && (
        <Group gap={4} aria-label="Picked users">
          {[...picked.values()].map((user) => (
            <Pill
              key={user.id}
              withRemoveButton
              onRemove={() => togglePick(user)}
              removeButtonProps={{ 'aria-label': `Unpick ${user.fullName}` }}
            >
              {user.fullName}
            </Pill>
          ))}
        </Group>
      )}
      <NativeSelect
        label="Enrol as"
        data={enrollmentStatuses.map((value) => ({
          value,
          label: ENROLLMENT_STATUS_LABELS[value],
        }))}
        value={status}
        onChange={(event) => {
          const value = event.currentTarget.value;
          setStatus(enrollmentStatuses.find((each) => each === value) ?? 'active');
        }}
        w={200}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button disabled={total === 0} onClick={() => setIsReviewing(true)}>
          Review {counted(total, 'user', 'users')}
        </Button>
      </Group>
    </Stack>
  );
}
