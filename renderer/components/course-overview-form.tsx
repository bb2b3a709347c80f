import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, Kbd, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { conflictCurrent } from '../conflicts';
import { contract } from '../../electron/api/contract';
import { fieldErrorText, placeFieldErrors } from '../forms';
import { useUpdateCourse, type CourseDetail } from '../hooks/use-course';
import { ConflictDialog, type ConflictField, type ConflictResolution } from './conflict-dialog';
import { ErrorAlert } from './error-alert';

const updateSchema = contract['courses.update'].input;

/** The editable fields as the form holds them: an empty description is an empty box. */
const overviewFormSchema = z.object({
  title: updateSchema.shape.title.unwrap(),
  slug: updateSchema.shape.slug.unwrap(),
  description: z.string(),
});
type OverviewValues = z.infer<typeof overviewFormSchema>;

const OVERVIEW_FIELDS: readonly ConflictField<OverviewValues>[] = [
  { name: 'title', label: 'Title' },
  { name: 'slug', label: 'Slug' },
  { name: 'description', label: 'Description' },
];

function valuesOf(course: CourseDetail): OverviewValues {
  return { title: course.title, slug: course.slug, description: course.description ?? '' };
}

interface CourseOverviewFormProps {
  course: CourseDetail;
  isReadOnly: boolean;
}

/**
 * The course's title, slug and description. A save carries the version the edit started from;
 * if someone saved first, the conflict dialog shows both versions and the person picks per field.
 */
export function CourseOverviewForm({ course, isReadOnly }: CourseOverviewFormProps) {
  const update = useUpdateCourse();
  /** What the edit started from: the values and the version a save must carry. */
  const [baseline, setBaseline] = useState({ values: valuesOf(course), version: course.version });
  const [conflict, setConflict] = useState<{ draft: OverviewValues; current: CourseDetail } | null>(
    null,
  );
  const [formError, setFormError] = useState<unknown>(null);
  const form = useForm<OverviewValues>({
    resolver: zodResolver(overviewFormSchema),
    defaultValues: baseline.values,
  });
  const { errors, isDirty } = form.formState;

  // A newer course (another tab, a publish) replaces an untouched form; an edited one keeps the
  // person's work, and its save then meets the conflict that shows both.
  useEffect(() => {
    if (course.version === baseline.version || isDirty) return;
    const values = valuesOf(course);
    setBaseline({ values, version: course.version });
    form.reset(values);
  }, [course, baseline.version, isDirty, form]);

  const save = (values: OverviewValues, version: number): void => {
    setFormError(null);
    update.mutate(
      {
        id: course.id,
        version,
        ...values,
        description: values.description === '' ? null : values.description,
      },
      {
        onSuccess: (saved) => {
          const savedValues = valuesOf(saved);
          setBaseline({ values: savedValues, version: saved.version });
          form.reset(savedValues);
          notifications.show({ title: 'Course saved', message: `“${saved.title}” is up to date.` });
        },
        onError: (error) => {
          const current = conflictCurrent(error, contract['courses.get'].output);
          if (current) setConflict({ draft: values, current });
          else if (!placeFieldErrors(error, form.setError, ['title', 'slug', 'description'])) {
            setFormError(error);
          }
        },
      },
    );
  };
  const onSubmit = form.handleSubmit((values) => save(values, baseline.version));

  const resolve = ({ values, version }: ConflictResolution<OverviewValues>): void => {
    if (!conflict) return;
    // The server's row is the new starting point; the form shows the chosen values while they save.
    setBaseline({ values: valuesOf(conflict.current), version });
    form.reset(values);
    setConflict(null);
    save(values, version);
  };

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      onKeyDown={getHotkeyHandler([['mod+S', () => void onSubmit()]])}
    >
      <Stack maw={720}>
        <TextInput
          label="Title"
          required
          readOnly={isReadOnly}
          error={fieldErrorText('Title', errors.title)}
          {...form.register('title')}
        />
        <TextInput
          label="Slug"
          description="The course's address; links to it break if it changes."
          required
          readOnly={isReadOnly}
          error={fieldErrorText('Slug', errors.slug)}
          {...form.register('slug')}
        />
        <Textarea
          label="Description"
          autosize
          minRows={4}
          readOnly={isReadOnly}
          error={fieldErrorText('Description', errors.description)}
          {...form.register('description')}
        />
        {formError !== null && <ErrorAlert title="Couldn't save the course" error={formError} />}
        {!isReadOnly && (
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {isDirty ? 'Unsaved changes.' : 'No unsaved changes.'} <Kbd size="xs">Ctrl</Kbd>+
              <Kbd size="xs">S</Kbd> saves.
            </Text>
            <Group gap="xs">
              <Button
                variant="default"
                disabled={!isDirty}
                onClick={() => form.reset(baseline.values)}
              >
                Discard changes
              </Button>
              <Button type="submit" loading={update.isPending} aria-keyshortcuts="Control+S Meta+S">
                Save changes
              </Button>
            </Group>
          </Group>
        )}
      </Stack>
      {conflict && (
        <ConflictDialog
          opened
          what="course"
          draft={conflict.draft}
          current={{ ...valuesOf(conflict.current), version: conflict.current.version }}
          base={baseline.values}
          fields={OVERVIEW_FIELDS}
          onResolve={resolve}
          onCancel={() => setConflict(null)}
        />
      )}
    </form>
  );
}
