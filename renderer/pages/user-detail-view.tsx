import {
  Accordion,
  Anchor,
  Badge,
  Group,
  Loader,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { request } from '../api';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { RecordHistory } from '../components/record-history';
import { UserForm } from '../components/user-form';
import { formatDate, formatDateTime } from '../format';
import { hrefOf, navigate } from '../hooks/use-hash-path';
import type { SessionUser } from '../hooks/use-session';
import {
  useUser,
  useUserEnrollments,
  type UserDetail,
  type UserEnrollment,
} from '../hooks/use-user';

const PROGRESS_LABELS = {
  not_started: 'Not started',
  in_progress: 'In progress',
  completed: 'Completed',
} as const;

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/** The profile as support staff see it: the same facts, and nothing to press. */
function ProfileFacts({ user }: { user: UserDetail }) {
  const facts: [string, string][] = [
    ['Full name', user.fullName],
    ['Email', user.email],
    ['Role', user.role],
    ['Status', user.isActive ? 'Active' : 'Deactivated'],
    ['Password', user.hasPassword ? 'Set (can sign in)' : 'None (can’t sign in)'],
  ];
  return (
    <SimpleGrid cols={2} spacing="xs" component="dl" m={0}>
      {facts.map(([label, value]) => (
        <Stack key={label} gap={0}>
          <Text component="dt" size="sm" c="dimmed">
            {label}
          </Text>
          <Text component="dd" m={0}>
            {value}
          </Text>
        </Stack>
      ))}
    </SimpleGrid>
  );
}

/** One enrollment's lessons and quiz attempts, read when the person opens it. */
function EnrollmentDetail({ enrollment }: { enrollment: UserEnrollment }) {
  const progress = useQuery({
    queryKey: ['progress.list', enrollment.id],
    queryFn: () => request('progress.list', { enrollmentId: enrollment.id }),
  });
  const attempts = useQuery({
    queryKey: ['attempts.list', enrollment.id],
    queryFn: () => request('attempts.list', { enrollmentId: enrollment.id }),
  });
  return (
    <Stack gap="md">
      {progress.isError ? (
        <ErrorAlert title="Couldn't load lesson progress" error={progress.error} />
      ) : progress.isPending ? (
        <Loader size="sm" aria-label="Loading lesson progress" />
      ) : progress.data.items.length === 0 ? (
        <Text size="sm">This course has no lessons yet.</Text>
      ) : (
        <Table withTableBorder aria-label={`Lesson progress in ${enrollment.courseTitle}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Lesson</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Time spent</Table.Th>
              <Table.Th scope="col">Completed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {progress.data.items.map((lesson) => (
              <Table.Tr key={lesson.lessonId}>
                <Table.Td>
                  {lesson.position}. {lesson.lessonTitle}
                </Table.Td>
                <Table.Td>{PROGRESS_LABELS[lesson.status]}</Table.Td>
                <Table.Td>{Math.round(lesson.timeSpentSeconds / 60)} min</Table.Td>
                <Table.Td>{lesson.completedAt ? formatDate(lesson.completedAt) : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {attempts.isError ? (
        <ErrorAlert title="Couldn't load quiz attempts" error={attempts.error} />
      ) : attempts.isPending ? (
        <Loader size="sm" aria-label="Loading quiz attempts" />
      ) : attempts.data.items.length === 0 ? (
        <Text size="sm">No quiz attempts in this course yet.</Text>
      ) : (
        <Table withTableBorder aria-label={`Quiz attempts in ${enrollment.courseTitle}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Quiz</Table.Th>
              <Table.Th scope="col">Attempt</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Score</Table.Th>
              <Table.Th scope="col">Started</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {attempts.data.items.map((attempt) => (
              <Table.Tr key={attempt.id}>
                <Table.Td>{attempt.quizTitle}</Table.Td>
                <Table.Td>{attempt.attemptNumber}</Table.Td>
                <Table.Td>{attempt.status.replace('_', ' ')}</Table.Td>
                <Table.Td>
                  {attempt.score === null ? '—' : `${attempt.score} of ${attempt.maxScore ?? '?'}`}
                </Table.Td>
                <Table.Td>{formatDateTime(attempt.startedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function Enrollments({ userId }: { userId: string }) {
  const enrollments = useUserEnrollments(userId);
  if (enrollments.isError) {
    return (
      <ErrorAlert
        title="Couldn't load enrollments"
        error={enrollments.error}
        onRetry={() => void enrollments.refetch()}
      />
    );
  }
  if (enrollments.isPending) return <Loader size="sm" aria-label="Loading enrollments" />;
  if (enrollments.data.items.length === 0) {
    return (
      <EmptyState title="Not enrolled in any course">
        Enrol this user from a course&apos;s enrollments on the{' '}
        <Anchor href={hrefOf('/courses')}>Courses</Anchor> page; their lesson progress and quiz
        attempts then show here.
      </EmptyState>
    );
  }
  return (
    <Accordion variant="separated" multiple>
      {enrollments.data.items.map((enrollment) => (
        <Accordion.Item key={enrollment.id} value={enrollment.id}>
          <Accordion.Control>
            <Group justify="space-between" wrap="nowrap" pr="md">
              <Stack gap={2}>
                <Text fw={600}>{enrollment.courseTitle}</Text>
                <Text size="sm" c="dimmed">
                  Enrolled {formatDate(enrollment.enrolledAt)} · {enrollment.lessonsCompleted} of{' '}
                  {enrollment.lessons} lessons completed · {enrollment.attempts} quiz{' '}
                  {enrollment.attempts === 1 ? 'attempt' : 'attempts'}
                  {enrollment.bestScoreRatio !== null &&
                    ` · best score ${percent(enrollment.bestScoreRatio)}`}
                </Text>
              </Stack>
              <Group gap="sm" wrap="nowrap">
                <Progress
                  w={120}
                  value={
                    enrollment.lessons === 0
                      ? 0
                      : (enrollment.lessonsCompleted / enrollment.lessons) * 100
                  }
                  aria-label={`Lessons completed in ${enrollment.courseTitle}`}
                />
                <Badge variant="light">{enrollment.status}</Badge>
              </Group>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <EnrollmentDetail enrollment={enrollment} />
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

const TABS = [
  { value: 'overview', label: 'Profile and enrollments' },
  { value: 'history', label: 'History' },
] as const;
type TabValue = (typeof TABS)[number]['value'];

interface UserDetailViewProps {
  userId: string;
  /** The tab in the address (`#/users/<id>/history`); the profile when empty or unknown. */
  tab: string;
  isReadOnly: boolean;
  /** Who is looking: only admins revert history. */
  role: SessionUser['role'];
}

/**
 * One user: their profile (editable by admins) and every course they are in with their progress,
 * and on a second tab their history: changes to them, and changes they made.
 */
export function UserDetailView({ userId, tab, isReadOnly, role }: UserDetailViewProps) {
  const user = useUser(userId);
  const activeTab: TabValue = TABS.find((each) => each.value === tab)?.value ?? 'overview';
  return (
    <Stack gap="lg" style={{ overflowY: 'auto' }}>
      <Anchor href={hrefOf('/users')} size="sm">
        ← All users
      </Anchor>
      {user.isError ? (
        <ErrorAlert
          title="Couldn't load this user"
          error={user.error}
          onRetry={() => void user.refetch()}
        />
      ) : user.isPending ? (
        <Loader size="sm" aria-label="Loading the user" />
      ) : (
        <>
          <Group justify="space-between">
            <Title order={1} size="h2">
              {user.data.fullName}
            </Title>
            <Group gap="xs">
              <Badge variant="light">{user.data.role}</Badge>
              {!user.data.isActive && (
                <Badge variant="outline" color="dark">
                  Deactivated
                </Badge>
              )}
              {isReadOnly && (
                <Badge variant="outline" color="dark">
                  Read-only
                </Badge>
              )}
            </Group>
          </Group>
          <Tabs
            value={activeTab}
            onChange={(value) => value && navigate(`/users/${userId}/${value}`)}
            keepMounted={false}
          >
            <Tabs.List aria-label="User sections">
              {TABS.map((each) => (
                <Tabs.Tab key={each.value} value={each.value}>
                  {each.label}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            <Tabs.Panel value="overview" pt="md">
              <Stack gap="lg">
                <Paper withBorder p="md" radius="md" component="section" aria-labelledby="profile">
                  <Title order={2} size="h4" id="profile" mb="sm">
                    Profile
                  </Title>
                  {isReadOnly ? (
                    <ProfileFacts user={user.data} />
                  ) : (
                    <UserForm
                      key={user.data.version}
                      user={user.data}
                      onSaved={(saved, passwordChange) =>
                        notifications.show({
                          title: passwordChange === 'removed' ? 'Password removed' : 'User saved',
                          message:
                            passwordChange === 'removed'
                              ? `${saved.fullName} can't sign in until an admin sets a new password.`
                              : `${saved.fullName} is saved${passwordChange === 'set' ? ' with the new password' : ''}.`,
                        })
                      }
                    />
                  )}
                  <Text size="sm" c="dimmed" mt="sm">
                    Created {formatDate(user.data.createdAt)} · last sign-in{' '}
                    {user.data.lastLoginAt ? formatDateTime(user.data.lastLoginAt) : 'never'}
                  </Text>
                </Paper>
                <section aria-labelledby="enrollments">
                  <Title order={2} size="h4" id="enrollments" mb="sm">
                    Enrollments
                  </Title>
                  <Enrollments userId={userId} />
                </section>
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="history" pt="md">
              <RecordHistory
                table="users"
                recordId={userId}
                noun="user"
                canRevert={!isReadOnly && role === 'admin'}
                otherScope={user.data.role === 'student' ? undefined : 'actor'}
              />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Stack>
  );
}
