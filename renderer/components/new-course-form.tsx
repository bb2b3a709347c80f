import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { contract } from '../../electron/api/contract';
import { fieldErrorText, placeFieldErrors } from '../forms';
import { useCreateCourse } from '../hooks/use-courses-list';
import { ErrorAlert } from './error-alert';

const createCourseSchema = contract['courses.create'].input;

/**
 * The contract's input as a form fills it: empty boxes are empty strings, so an empty slug (made
 * from the title by the API) and an empty description are allowed here and left out when sent.
 */
const newCourseFormSchema = createCourseSchema.pick({ title: true }).extend({
  slug: z.literal('').or(createCourseSchema.shape.slug.unwrap()),
  description: z.string(),
});
type NewCourseFormInput = z.input<typeof newCourseFormSchema>;
type NewCourseFormValues = z.output<typeof newCourseFormSchema>;

interface NewCourseFormProps {
  onDone: () => void;
}

/** Creates a draft course owned by whoever creates it. */
export function NewCourseForm({ onDone }: NewCourseFormProps) {
  const create = useCreateCourse();
  const [formError, setFormError] = useState<unknown>(null);
  const form = useForm<NewCourseFormInput, unknown, NewCourseFormValues>({
    resolver: zodResolver(newCourseFormSchema),
    defaultValues: { title: '', slug: '', description: '' },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(({ title, slug, description }) => {
    setFormError(null);
    create.mutate(
      {
        title,
        ...(slug !== '' && { slug }),
        ...(description.trim() !== '' && { description }),
      },
      {
        onSuccess: (course) => {
          notifications.show({
            title: 'Course created',
            message: `“${course.title}” is saved as a draft (slug ${course.slug}).`,
          });
          onDone();
        },
        onError: (error) => {
          if (!placeFieldErrors(error, form.setError, ['title', 'slug', 'description'])) {
            setFormError(error);
          }
        },
      },
    );
  });

  return (
    <form onSubmit={onSubmit} noValidate>
      <TextInput
        label="Title"
        required
        data-autofocus
        error={fieldErrorText('Title', errors.title)}
        {...form.register('title')}
      />
      <TextInput
        mt="sm"
        label="Slug"
        description="The course's address; left empty, it is made from the title."
        error={fieldErrorText('Slug', errors.slug)}
        {...form.register('slug')}
      />
      <Textarea
        mt="sm"
        label="Description"
        autosize
        minRows={3}
        error={fieldErrorText('Description', errors.description)}
        {...form.register('description')}
      />
      {formError !== null && (
        <ErrorAlert title="Couldn't create the course" error={formError} mt="md" />
      )}
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending}>
          Create course
        </Button>
      </Group>
    </form>
  );
}
