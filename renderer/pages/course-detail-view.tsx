import { Anchor, Badge, Button, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { coursePath, PublishedBadge } from '../components/course-columns';
import { CourseDashboardPanel } from '../components/course-dashboard-panel';
import { CourseOverviewForm } from '../components/course-overview-form';
import { DeleteCourseDialog } from '../components/delete-course-dialog';
import { EnrollmentsPanel } from '../components/enrollments-panel';
import { ErrorAlert } from '../components/error-alert';
import { LessonsPanel } from '../components/lessons-panel';
import { QuizzesPanel } from '../components/quizzes-panel';
import { RecordHistory } from '../components/record-history';
import { useCourse, usePublishToggle } from '../hooks/use-course';
import { hrefOf, navigate } from '../hooks/use-hash-path';
import { usePageCommands } from '../hooks/use-page-commands';
import type { PageProps } from './app-pages';

const TABS = [
  { value: 'overview', label: 'Overview' },
  { value: 'lessons', label: 'Lessons' },
  { value: 'quizzes', label: 'Quizzes' },
  { value: 'enrollments', label: 'Enrollments' },
  { value: 'dashboard', label: 'Dashboard' },
  { value: 'history', label: 'History' },
] as const;
type TabValue = (typeof TABS)[number]['value'];

/** The tabs a role sees: the audit history is for admins and support. */
function tabsFor(role: PageProps['user']['role']) {
  return TABS.filter((each) => each.value !== 'history' || role !== 'instructor');
}

interface CourseDetailViewProps extends PageProps {
  courseId: string;
  /** The tab in the address; the overview when empty or unknown. */
  tab: string;
  /** On the quizzes tab: the quiz whose questions are open. */
  quizId: string;
}

/** One course: its overview, lessons, quizzes, enrollments, dashboard and history, a tab each. */
export function CourseDetailView({
  user,
  isReadOnly,
  courseId,
  tab,
  quizId,
}: CourseDetailViewProps) {
  const course = useCourse(courseId);
  const publishToggle = usePublishToggle(() => void course.refetch());
  const [isDeleting, setIsDeleting] = useState(false);
  const tabs = useMemo(() => tabsFor(user.role), [user.role]);
  const activeTab: TabValue = tabs.find((each) => each.value === tab)?.value ?? 'overview';
  const base = coursePath({ id: courseId });
  const goToTab = (value: string): void => navigate(`${base}/${value}`);
  const data = course.data;

  usePageCommands(
    useMemo(
      () => [
        ...tabs.map((each) => ({
          id: `course-tab-${each.value}`,
          label: `Course: ${each.label}`,
          onClick: () => navigate(`${base}/${each.value}`),
        })),
        { id: 'course-back', label: 'Back to all courses', onClick: () => navigate('/courses') },
      ],
      [base, tabs],
    ),
  );

  if (course.isError) {
    return (
      <Stack>
        <Anchor href={hrefOf('/courses')}>← All courses</Anchor>
        <ErrorAlert
          title="Couldn't open the course"
          error={course.error}
          onRetry={() => void course.refetch()}
        />
      </Stack>
    );
  }
  if (!data) return <Loader size="sm" aria-label="Loading the course" />;

  return (
    <Stack gap="md">
      <Anchor href={hrefOf('/courses')} size="sm">
        ← All courses
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {data.title}
          </Title>
          <Group gap="xs">
            <PublishedBadge isPublished={data.isPublished} />
            <Text size="sm" c="dimmed">
              {data.slug}
            </Text>
          </Group>
        </Stack>
        {isReadOnly ? (
          <Badge variant="outline" color="dark">
            Read-only
          </Badge>
        ) : (
          <Group gap="xs">
            <Button
              variant="light"
              onClick={() => publishToggle.toggle(data)}
              loading={publishToggle.isPending}
            >
              {data.isPublished ? 'Unpublish' : 'Publish'}
            </Button>
            {user.role === 'admin' && (
              <Button variant="outline" color="red" onClick={() => setIsDeleting(true)}>
                Delete course…
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Tabs value={activeTab} onChange={(value) => value && goToTab(value)} keepMounted={false}>
        <Tabs.List aria-label="Course sections">
          {tabs.map((each) => (
            <Tabs.Tab key={each.value} value={each.value}>
              {each.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <CourseOverviewForm course={data} isReadOnly={isReadOnly} />
        </Tabs.Panel>
        <Tabs.Panel value="lessons" pt="md">
          <LessonsPanel courseId={data.id} isReadOnly={isReadOnly} />
        </Tabs.Panel>
        <Tabs.Panel value="quizzes" pt="md">
          <QuizzesPanel
            courseId={data.id}
            quizId={quizId}
            isReadOnly={isReadOnly}
            canUndelete={user.role === 'admin'}
          />
        </Tabs.Panel>
        <Tabs.Panel value="enrollments" pt="md">
          <EnrollmentsPanel courseId={data.id} isReadOnly={isReadOnly} />
        </Tabs.Panel>
        <Tabs.Panel value="dashboard" pt="md">
          <CourseDashboardPanel courseId={data.id} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <RecordHistory
            table="courses"
            recordId={data.id}
            noun="course"
            otherScope="course"
            canRevert={!isReadOnly && user.role === 'admin'}
          />
        </Tabs.Panel>
      </Tabs>
      <DeleteCourseDialog
        course={isDeleting ? data : null}
        onClose={() => setIsDeleting(false)}
        onDeleted={() => navigate('/courses', { replace: true })}
      />
    </Stack>
  );
}
