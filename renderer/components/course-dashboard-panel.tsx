import { BarChart, DonutChart } from '@mantine/charts';
import { Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { enrollmentStatuses } from '../../db/models/enums';
import { useCourseDashboard } from '../hooks/use-course';
import { EmptyState } from './empty-state';
import { ENROLLMENT_STATUS_LABELS } from './enrollment-status';
import { ErrorAlert } from './error-alert';

const CHART_HEIGHT_PX = 220;

function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

interface FigureProps {
  title: string;
  /** One sentence that says what the chart shows, for those who can't see it. */
  summary: string;
  chart: ReactNode;
  /** The same figures as a table: the chart's text alternative, on screen for everyone. */
  table: ReactNode;
}

/**
 * A chart with its title, a one-sentence summary as its accessible name, and a table of the
 * same figures. The chart itself is one image to assistive technology: the table carries the data.
 */
function DashboardFigure({ title, summary, chart, table }: FigureProps) {
  return (
    <Paper withBorder p="md" component="figure" m={0}>
      <Stack gap="sm">
        <Title order={3} size="h4" component="figcaption">
          {title}
        </Title>
        <div role="img" aria-label={summary}>
          {chart}
        </div>
        {table}
      </Stack>
    </Paper>
  );
}

/** The course in figures: enrollments by status, completion, and how quiz scores spread. */
export function CourseDashboardPanel({ courseId }: { courseId: string }) {
  const dashboard = useCourseDashboard(courseId);
  if (dashboard.isError) {
    return (
      <ErrorAlert
        title="Couldn't load the dashboard"
        error={dashboard.error}
        onRetry={() => void dashboard.refetch()}
      />
    );
  }
  const data = dashboard.data;
  if (!data) return <Loader size="sm" aria-label="Loading the dashboard" />;

  const byStatus = enrollmentStatuses.map((status) => ({
    status: ENROLLMENT_STATUS_LABELS[status],
    enrollments: data.enrollments.byStatus[status] ?? 0,
  }));
  const completed = data.enrollments.byStatus.completed ?? 0;
  const notDropped = data.enrollments.total - (data.enrollments.byStatus.dropped ?? 0);
  const buckets = data.scores.distribution.map((bucket) => ({
    range: `${bucket.fromPercent}–${bucket.toPercent}%`,
    attempts: bucket.attempts,
  }));

  return (
    <Stack>
      <Title order={2} size="h3">
        Dashboard
      </Title>
      {data.enrollments.total === 0 && (
        <EmptyState title="No figures yet">
          The plots fill in as learners are enrolled (on the Enrollments tab) and take quizzes.
        </EmptyState>
      )}
      <SimpleGrid cols={{ base: 1, lg: 3 }}>
        <DashboardFigure
          title="Enrollments by status"
          summary={`Bar chart of ${data.enrollments.total} enrollments by status: ${byStatus.map((row) => `${row.status} ${row.enrollments}`).join(', ')}.`}
          chart={
            <BarChart
              h={CHART_HEIGHT_PX}
              data={byStatus}
              dataKey="status"
              series={[{ name: 'enrollments', label: 'Enrollments', color: 'indigo.8' }]}
              withTooltip={false}
              barChartProps={{ accessibilityLayer: false }}
              yAxisProps={{ allowDecimals: false }}
            />
          }
          table={
            <Table aria-label="Enrollments by status" withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Enrollments</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {byStatus.map((row) => (
                  <Table.Tr key={row.status}>
                    <Table.Td>{row.status}</Table.Td>
                    <Table.Td>{row.enrollments}</Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr>
                  <Table.Th scope="row">Total</Table.Th>
                  <Table.Td>{data.enrollments.total}</Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          }
        />
        <DashboardFigure
          title="Completion"
          summary={
            data.completionRate === null
              ? 'Completion chart: no enrollments that count yet.'
              : `Donut chart: ${completed} of ${notDropped} learners (not counting dropped) completed, ${percent(data.completionRate)}.`
          }
          chart={
            <DonutChart
              h={CHART_HEIGHT_PX}
              data={[
                { name: 'Completed', value: completed, color: 'green.8' },
                {
                  name: 'Not yet completed',
                  value: Math.max(notDropped - completed, 0),
                  color: 'gray.4',
                },
              ]}
              chartLabel={data.completionRate === null ? '—' : percent(data.completionRate)}
              withTooltip={false}
              accessibilityLayer={false}
            />
          }
          table={
            <Text size="sm">
              {data.completionRate === null
                ? 'No learner counts yet (dropped enrollments are left out).'
                : `${completed} of ${notDropped} learners completed the course (${percent(data.completionRate)}); dropped enrollments are left out.`}
            </Text>
          }
        />
        <DashboardFigure
          title="Quiz score distribution"
          summary={`Bar chart of ${data.scores.scoredAttempts} scored quiz attempts by score, in ten bands of 10 percent.`}
          chart={
            <BarChart
              h={CHART_HEIGHT_PX}
              data={buckets}
              dataKey="range"
              series={[{ name: 'attempts', label: 'Attempts', color: 'indigo.8' }]}
              withTooltip={false}
              barChartProps={{ accessibilityLayer: false }}
              yAxisProps={{ allowDecimals: false }}
              tickLine="none"
            />
          }
          table={
            <Stack gap={4}>
              <Text size="sm">
                {data.scores.scoredAttempts === 0
                  ? 'No scored attempts yet.'
                  : `${data.scores.scoredAttempts} scored attempts, ${percent((data.scores.averagePercent ?? 0) / 100)} on average.`}
              </Text>
              <Table aria-label="Quiz attempts by score" withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Score</Table.Th>
                    <Table.Th scope="col">Attempts</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {buckets.map((bucket) => (
                    <Table.Tr key={bucket.range}>
                      <Table.Td>{bucket.range}</Table.Td>
                      <Table.Td>{bucket.attempts}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          }
        />
      </SimpleGrid>
    </Stack>
  );
}
